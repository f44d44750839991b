// EXIF orientation applied to decoded pixels, where the decoder does not apply it itself.
import type { RawImage } from './raw-image.js';

/** Applies an EXIF orientation (1..8) to pixels: what browsers and PIL's exif_transpose do. */
export function orient(image: RawImage, orientation: number): RawImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h, channels: c } = image;
  const stride = image.stride ?? w * c;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // source coordinates for each orientation (EXIF 2.3, Table 4)
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          sy = y;
          break;
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:
          sx = x;
          sy = h - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        default:
          sx = w - 1 - y;
          sy = x;
          break; // 8
      }
      for (let k = 0; k < c; k++) out[(y * ow + x) * c + k] = image.data[sy * stride + sx * c + k];
    }
  }
  return { data: out, width: ow, height: oh, channels: c };
}
