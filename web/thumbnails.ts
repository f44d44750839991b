// A small thumbnail (the grid, results, clusters and map show these) and a larger preview (the
// viewer, when the original is out of reach), made once per photo when it is added. The
// browser decodes off the main thread; what it cannot decode (HEIC outside Safari) goes
// through clipscope's decoder.
import { decodeImage } from 'clipscope/advanced';
const THUMB_SHORT_SIDE = 192;
const PREVIEW_LONG_SIDE = 640;

async function scaled(image: ImageBitmap, scale: number, quality: number): Promise<Blob> {
  const width = Math.max(1, Math.round(image.width * Math.min(1, scale)));
  const height = Math.max(1, Math.round(image.height * Math.min(1, scale)));
  const bitmap = await createImageBitmap(image, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

async function bitmapOf(image: Blob): Promise<ImageBitmap> {
  try {
    return await createImageBitmap(image);
  } catch {
    const raw = await decodeImage(image);
    const { width, height, channels, data } = raw;
    const stride = raw.stride ?? width * channels;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 4;
        const q = y * stride + x * channels;
        const gray = channels === 1;
        rgba[p] = data[q];
        rgba[p + 1] = data[gray ? q : q + 1];
        rgba[p + 2] = data[gray ? q : q + 2];
        rgba[p + 3] = channels === 4 ? data[q + 3] : 255;
      }
    }
    return createImageBitmap(new ImageData(rgba, width, height));
  }
}

export async function makeThumbnails(image: Blob): Promise<{ thumb: Blob; preview: Blob }> {
  const full = await bitmapOf(image);
  try {
    return {
      thumb: await scaled(full, THUMB_SHORT_SIDE / Math.min(full.width, full.height), 0.8),
      preview: await scaled(full, PREVIEW_LONG_SIDE / Math.max(full.width, full.height), 0.75),
    };
  } finally {
    full.close();
  }
}
