// Decoding in Node equals Pillow: JPEGs of every subsampling, progressive, grayscale, with
// restart markers and CMYK decode (through sharp's libjpeg-turbo, CMYK made RGB as Pillow does)
// to exactly Pillow's pixels, as do lossless WebP, GIF (an animation's first frame), AVIF and TIFF; BMP is refused, named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../dist/advanced.js';
import { startDecode } from '../../dist/images/decode.js';
import { readNamedArrays, referenceDir } from './named-arrays.js';

const formats = new URL('formats/', referenceDir);

async function largestDifference(file: string): Promise<number> {
  const image = await decodeImage(readFileSync(new URL(file, formats)));
  const want = readNamedArrays(`formats/${file}.arrays`).pixels;
  expect([image.height, image.width]).toEqual(want.shape.slice(0, 2));
  let worst = 0;
  for (let i = 0; i < want.values.length; i++) {
    const got = image.data[Math.floor(i / 3) * image.channels + (image.channels === 1 ? 0 : i % 3)];
    worst = Math.max(worst, Math.abs(got - want.values[i]));
  }
  return worst;
}

describe("decoding in Node equals Pillow's pixels", () => {
  it.each([
    'photo-420.jpg',
    'photo-422.jpg',
    'photo-444.jpg',
    'photo-progressive.jpg',
    'photo-gray.jpg',
    'photo-restart.jpg',
    'photo-cmyk.jpg',
    'lossless.png',
    'lossless.webp',
    'palette.gif',
    'animated.gif',
    'lossless.avif',
    'lossless.tiff',
  ])('%s exactly', async (file) => {
    expect(await largestDifference(file)).toBe(0);
  });

  it('names BMP as a format Node does not decode', async () => {
    await expect(decodeImage(readFileSync(new URL('lossless.bmp', formats)))).rejects.toThrow(
      'BMP images cannot be decoded in Node; use JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF',
    );
  });
});

describe('startDecode', () => {
  // What embedImages waits for before inference blocks the thread: the next batch's decoding
  // must already be running on sharp's threads, not waiting for this thread to be free.
  async function order(bytes: Uint8Array): Promise<string[]> {
    const events: string[] = [];
    const { image, handedOff } = startDecode(bytes);
    const settled = image.then(
      () => events.push('decoded'),
      () => events.push('failed'),
    );
    await handedOff.then(() => events.push('handed off'));
    await settled;
    return events;
  }

  it('hands a JPEG to sharp before it is decoded', async () => {
    expect(await order(readFileSync(new URL('photo-420.jpg', formats)))).toEqual(['handed off', 'decoded']);
  });

  it('settles handedOff once the image is done where it decodes on this thread, or fails', async () => {
    expect(await order(readFileSync(new URL('lossless.png', formats)))).toEqual(['decoded', 'handed off']);
    expect(await order(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).toEqual(['failed', 'handed off']);
  });
});
