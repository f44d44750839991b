/**
 * Decoded 8-bit pixels: `height` rows of `width` pixels of `channels` bytes (1 gray, 3 RGB,
 * 4 RGBA), rows `stride` bytes apart (default width·channels).
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  stride?: number;
}
