// The checks every decoder makes before it spends memory: a clear DecodeError, and the pixel
// limit taken from the file's header.
import { DecodeError } from '../common/errors.js';

export function fail(message: string): never {
  throw new DecodeError(message);
}

export function checkSize(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) fail(`image is empty (${width} x ${height})`);
  if (width * height > maxPixels) {
    fail(`image of ${width} x ${height} pixels is above the limit of ${maxPixels} pixels`);
  }
}
