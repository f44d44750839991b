// HEIC through libheif (libheif-js, WebAssembly), compared with Debian's heif-convert (libheif
// 1.15 + libde265) on files made by heif-enc from known PNGs. 4:4:4 files, plain and rotated +
// mirrored (irot, imir), decode exactly as heif-convert does. 4:2:0 files differ by one level at
// most (chroma upsampling rounding of the two libheif versions), and a transformed 4:2:0 file by
// more at colour edges: libheif-js turns the subsampled planes before upsampling, heif-convert
// after, so the 4:4:4 case is the one that proves the geometry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../dist/advanced.js';
import { readNamedArrays, referenceDir } from './named-arrays.js';

const formats = new URL('formats/', referenceDir);

async function compare(file: string): Promise<{ size: number[]; max: number; mean: number }> {
  const image = await decodeImage(readFileSync(new URL(file, formats)));
  const want = readNamedArrays(`formats/${file}.arrays`).pixels;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < want.values.length; i++) {
    const d = Math.abs(image.data[Math.floor(i / 3) * image.channels + (i % 3)] - want.values[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { size: [image.height, image.width, ...want.shape.slice(0, 2)], max, mean: sum / want.values.length };
}

describe('HEIC in Node', () => {
  it('decodes 4:4:4 exactly, plain and rotated + mirrored, the size turned', async () => {
    expect(await compare('heic-444.heic')).toEqual({ size: [47, 61, 47, 61], max: 0, mean: 0 });
    expect(await compare('heic-444-rotated.heic')).toEqual({ size: [61, 47, 61, 47], max: 0, mean: 0 });
  });

  it('decodes 4:2:0, with and without alpha, within one level', async () => {
    for (const file of ['heic-420.heic', 'heic-alpha.heic'])
      expect((await compare(file)).max, file).toBeLessThanOrEqual(1);
    const turned = await compare('heic-420-rotated.heic');
    expect(turned.size).toEqual([61, 47, 61, 47]);
    expect(turned.mean).toBeLessThan(2.5);
  });

  it('keeps the alpha channel', async () => {
    const image = await decodeImage(readFileSync(new URL('heic-alpha.heic', formats)));
    expect(image.channels).toBe(4);
    // The source's alpha ramps with x (5 per column): the decode keeps it, within coding error.
    expect(Math.abs(image.data[3] - 0)).toBeLessThanOrEqual(2);
    expect(Math.abs(image.data[44 * 4 + 3] - 220)).toBeLessThanOrEqual(2);
  });

  it('refuses an image over the pixel limit before decoding, and a truncated file', async () => {
    const bytes = readFileSync(new URL('heic-420.heic', formats));
    await expect(decodeImage(bytes, { maxPixels: 1000 })).rejects.toThrow(
      'image of 61 x 47 pixels is above the limit of 1000 pixels',
    );
    await expect(decodeImage(bytes.subarray(0, bytes.length - 500))).rejects.toThrow(/^HEIC /);
  });
});
