// Every PNG scanline filter undone exactly: images written here with a chosen filter per row
// (None, Sub, Up, Average, Paeth, cycling so each also leads a first row), for every bit depth
// and byte layout the decoder treats differently (1 to 8 bytes per pixel, rows aligned to four
// bytes or not), decode to the pixels they were made from. Also a corrupted chunk is refused.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../dist/advanced.js';
import { PNG_SIGNATURE, pngChunk } from './png-chunks.js';

function predictor(filter: number, a: number, b: number, c: number): number {
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  if (filter === 4) {
    const p = a + b - c;
    const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }
  return 0;
}

// A PNG of `raw` rows (bytes as stored) filtered with filter (y + shift) % 5 on row y.
function encode(
  raw: Uint8Array,
  width: number,
  height: number,
  depth: number,
  colorType: number,
  bpp: number,
  shift: number,
) {
  const rowBytes = raw.length / height;
  const filtered = new Uint8Array(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    const filter = (y + shift) % 5;
    filtered[y * (rowBytes + 1)] = filter;
    for (let i = 0; i < rowBytes; i++) {
      const at = (k: number, row: number) => (row >= 0 && k >= 0 ? raw[row * rowBytes + k] : 0);
      const guess = predictor(filter, at(i - bpp, y), at(i, y - 1), at(i - bpp, y - 1));
      filtered[y * (rowBytes + 1) + 1 + i] = (raw[y * rowBytes + i] - guess) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(filtered)),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

// Ramps with a little noise (predictors tie, sums wrap) and some bytes wholly random.
function pixels(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = i % 3 === 0 ? s >>> 24 : (i * 7 + (s >>> 28)) & 255;
  }
  return out;
}

describe('PNG scanline filters', () => {
  // [colour type, bit depth, channels out, bytes per pixel]
  const layouts: [string, number, number, number, number][] = [
    ['gray 8-bit', 0, 8, 1, 1],
    ['gray+alpha 8-bit', 4, 8, 2, 2],
    ['RGB 8-bit', 2, 8, 3, 3],
    ['RGBA 8-bit', 6, 8, 4, 4],
    ['RGB 16-bit', 2, 16, 3, 6],
    ['RGBA 16-bit', 6, 16, 4, 8],
  ];
  it.each(layouts)('%s, every filter, rows aligned and not', async (_, colorType, depth, channels, bpp) => {
    for (const width of [4, 13]) {
      for (let shift = 0; shift < 5; shift++) {
        const height = 11;
        const raw = pixels(width * height * bpp, width * 31 + shift);
        const image = await decodeImage(encode(raw, width, height, depth, colorType, bpp, shift));
        expect([image.width, image.height]).toEqual([width, height]);
        // What the decoder gives: 8-bit samples (16-bit keeps the high byte, as PIL does);
        // gray+alpha comes out as gray.
        const samples = bpp / (depth / 8);
        const want: number[] = [];
        for (let p = 0; p < width * height; p++)
          for (let c = 0; c < channels && c < (colorType === 4 ? 1 : samples); c++)
            want.push(raw[(p * samples + c) * (depth / 8)]);
        expect(Array.from(image.data)).toEqual(want);
      }
    }
  });

  it('refuses a chunk whose CRC does not match', async () => {
    const png = encode(pixels(48, 1), 4, 4, 8, 2, 3, 0);
    png[40] ^= 1; // inside the IDAT data
    await expect(decodeImage(png)).rejects.toThrow(
      'PNG data is corrupt or truncated: a chunk fails its CRC check (corrupt)',
    );
  });
});
