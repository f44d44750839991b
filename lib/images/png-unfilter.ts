// Undoes PNG scanline filters in the inflated buffer itself (a second image-sized buffer cost
// more in fresh memory than the filters did). Flat offsets into one buffer (views per row made
// V8 four times slower); "Up" rows are added four bytes at a time where rows are aligned.
import { DecodeError } from '../common/errors.js';

function fail(message: string): never {
  throw new DecodeError(`PNG data is corrupt or truncated: ${message}`);
}

/**
 * Unfilters the `rows` rows of `rowBytes` bytes that start at `at` in `data` (each led by its
 * filter byte), `bpp` bytes per complete pixel (at least 1). The rows are moved together over
 * the filter bytes, so the result is `data` from `at`, `rows * rowBytes` long; `next` is
 * where the following sub-image's rows start.
 */
export function unfilterInPlace(
  data: Uint8Array,
  at: number,
  rowBytes: number,
  rows: number,
  bpp: number,
): { pixels: Uint8Array; next: number } {
  const next = at + rows * (rowBytes + 1);
  if (next > data.length) fail('image data is shorter than the image');
  const out = data.subarray(at, at + rows * rowBytes);
  const aligned = rowBytes % 4 === 0 && out.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(out.buffer, out.byteOffset, out.length / 4) : undefined;
  for (let y = 0; y < rows; y++) {
    // Row y moves down by y + 1 bytes over the filter bytes before it (read first), and is
    // unfiltered while still in cache.
    const from = at + y * (rowBytes + 1);
    const filter = data[from];
    data.copyWithin(at + y * rowBytes, from + 1, from + 1 + rowBytes);
    const o = y * rowBytes;
    // On the first row the previous row is zeros: Up is nothing, Avg and Paeth see only "left".
    const first = y === 0;
    switch (filter) {
      case 0:
        break;
      case 1:
        sub(out, o, rowBytes, bpp);
        break;
      case 2:
        if (first) break;
        if (words) upWords(words, o >> 2, (o - rowBytes) >> 2, rowBytes >> 2);
        else up(out, o, rowBytes);
        break;
      case 3:
        if (first) averageFirst(out, o, rowBytes, bpp);
        else average(out, o, rowBytes, bpp);
        break;
      case 4:
        if (first)
          sub(out, o, rowBytes, bpp); // paeth(a, 0, 0) = a
        else paeth(out, o, rowBytes, bpp);
        break;
      default:
        fail(`unknown scanline filter ${filter}`);
    }
  }
  return { pixels: out, next };
}

// Uint8Array stores wrap modulo 256, which is the filters' arithmetic.
function sub(b: Uint8Array, o: number, n: number, bpp: number): void {
  for (let i = o + bpp; i < o + n; i++) b[i] += b[i - bpp];
}

function up(b: Uint8Array, o: number, n: number): void {
  for (let i = o; i < o + n; i++) b[i] += b[i - n];
}

// Four bytewise additions modulo 256 in one 32-bit word: add the low seven bits, then put
// back each top bit as the XOR of the operands' top bits (no carry crosses bytes).
function upWords(w: Uint32Array, o: number, p: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const a = w[o + i];
    const b = w[p + i];
    w[o + i] = ((a & 0x7f7f7f7f) + (b & 0x7f7f7f7f)) ^ ((a ^ b) & 0x80808080);
  }
}

function averageFirst(b: Uint8Array, o: number, n: number, bpp: number): void {
  for (let i = o + bpp; i < o + n; i++) b[i] += b[i - bpp] >> 1;
}

function average(b: Uint8Array, o: number, n: number, bpp: number): void {
  for (let i = o; i < o + bpp; i++) b[i] += b[i - n] >> 1;
  for (let i = o + bpp; i < o + n; i++) b[i] += (b[i - bpp] + b[i - n]) >> 1;
}

function paeth(b: Uint8Array, o: number, n: number, bpp: number): void {
  for (let i = o; i < o + bpp; i++) b[i] += b[i - n]; // paeth(0, up, 0) = up
  for (let i = o + bpp; i < o + n; i++) {
    const left = b[i - bpp];
    const above = b[i - n];
    const corner = b[i - n - bpp];
    const pa = Math.abs(above - corner);
    const pb = Math.abs(left - corner);
    const pc = Math.abs(left + above - 2 * corner);
    b[i] += pa <= pb && pa <= pc ? left : pb <= pc ? above : corner;
  }
}
