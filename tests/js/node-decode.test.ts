// Decoding in Node equals Pillow: JPEGs of every subsampling, progressive, grayscale, with
// restart markers and CMYK decode (through the package's libjpeg-turbo addon, and through sharp
// where it does not load; CMYK made RGB as Pillow does) to exactly Pillow's pixels, as do
// lossless WebP, GIF (an animation's first frame), AVIF and TIFF; BMP is refused, named.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage, type RawImage } from '../../dist/advanced.js';
import { env } from '../../dist/index.js';
import { startDecode } from '../../dist/images/decode.js';
import { readImageHeader } from '../../dist/images/image-header.js';
import { MAX_JPEG_SCANS, nodeJpegDecoder } from '../../dist/images/node-addon.js';
import { decodeWithSharp } from '../../dist/images/node-decode.js';
import { readNamedArrays, referenceDir } from './named-arrays.js';

const formats = new URL('formats/', referenceDir);
const JPEGS = [
  'photo-420.jpg',
  'photo-422.jpg',
  'photo-444.jpg',
  'photo-progressive.jpg',
  'photo-gray.jpg',
  'photo-restart.jpg',
  'photo-cmyk.jpg',
];

async function largestDifference(
  file: string,
  decode: (bytes: Uint8Array) => Promise<RawImage> = (bytes) => decodeImage(bytes),
): Promise<number> {
  const image = await decode(readFileSync(new URL(file, formats)));
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
  it.each([...JPEGS, 'lossless.png', 'lossless.webp', 'palette.gif', 'animated.gif', 'lossless.avif', 'lossless.tiff'])(
    '%s exactly',
    async (file) => {
      expect(await largestDifference(file)).toBe(0);
    },
  );

  it('names BMP as a format Node does not decode', async () => {
    await expect(decodeImage(readFileSync(new URL('lossless.bmp', formats)))).rejects.toThrow(
      'BMP images cannot be decoded in Node; use JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF',
    );
  });
});

describe('JPEG in Node', () => {
  const jpeg = (file: string) => new Uint8Array(readFileSync(new URL(file, formats)));

  it('decodes with the package addon over the system libjpeg-turbo', async () => {
    expect(await nodeJpegDecoder()).toEqual({
      name: 'libjpeg-turbo',
      reason: 'the package addon over the system libjpeg-turbo (Pillow’s library)',
    });
  });

  it.each(JPEGS)('%s through sharp, where the addon does not load, exactly', async (file) => {
    const throughSharp = (bytes: Uint8Array) => decodeWithSharp(bytes, 'JPEG', readImageHeader(bytes), 50_000_000);
    expect(await largestDifference(file, throughSharp)).toBe(0);
  });

  it('refuses a truncated JPEG, as Pillow does, even one that only lacks its end marker', async () => {
    for (const file of ['photo-420.jpg', 'large-420.jpg']) {
      const whole = jpeg(file);
      for (const end of [whole.length >> 2, whole.length >> 1, whole.length - 2]) {
        await expect(decodeImage(whole.subarray(0, end))).rejects.toThrow(
          'JPEG data is corrupt or truncated: Premature end of JPEG file',
        );
      }
    }
  });

  // A lone large JPEG is cut into two bands of rows, the lower one decoded by a helper thread
  // (named clipscope-jpeg) that entropy-decodes (skips) the rows above it. Decodes side by side
  // keep one thread each (when the others are queued before a decode starts), as do all with
  // env.threads 1.
  const LARGE = [
    'large-420.jpg',
    'large-422.jpg',
    'large-444.jpg',
    'large-gray.jpg',
    'large-restart.jpg',
    'large-cmyk.jpg',
  ];
  // Nanoseconds the helper thread has run (the first field of schedstat), 0 before it starts.
  const helperRunTime = () => {
    const tasks = readdirSync('/proc/self/task').filter(
      (task) => readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'clipscope-jpeg',
    );
    expect(tasks.length).toBeLessThanOrEqual(1);
    return tasks.length ? Number(readFileSync(`/proc/self/task/${tasks[0]}/schedstat`, 'utf8').split(' ')[0]) : 0;
  };

  it.each(LARGE)('%s, decoded alone (on two threads), exactly', async (file) => {
    expect(await largestDifference(file)).toBe(0);
  });

  it('gives a lone large JPEG to a second thread', async () => {
    // A band the helper has not begun by the time the first thread reaches it is withdrawn (on
    // a loaded machine it may not run in time): one of several decodes must reach it.
    const before = helperRunTime();
    for (let tries = 0; tries < 20 && helperRunTime() === before; tries++) await decodeImage(jpeg('large-420.jpg'));
    expect(helperRunTime()).toBeGreaterThan(before);
  });

  it('decodes large JPEGs side by side exactly', async () => {
    expect(await Promise.all(LARGE.map((file) => largestDifference(file)))).toEqual(LARGE.map(() => 0));
  });

  it('decodes a large JPEG on one thread, exactly, with env.threads 1', async () => {
    // A helper woken for a band it was then not given may still be on its way back to sleep.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = helperRunTime();
    env.threads = 1;
    try {
      for (const file of LARGE) expect(await largestDifference(file)).toBe(0);
    } finally {
      delete env.threads;
    }
    expect(helperRunTime()).toBe(before);
  });

  it(`refuses a progressive JPEG of more than ${MAX_JPEG_SCANS} scans`, async () => {
    // The last scan repeated: each repeat is another pass over every coefficient.
    const whole = jpeg('photo-progressive.jpg');
    let lastScan = whole.length - 2;
    while (!(whole[lastScan] === 0xff && whole[lastScan + 1] === 0xda)) lastScan--;
    const scan = whole.subarray(lastScan, whole.length - 2);
    const slow = Buffer.concat([
      whole.subarray(0, whole.length - 2),
      ...Array<Uint8Array>(MAX_JPEG_SCANS).fill(scan),
      whole.subarray(-2),
    ]);
    await expect(decodeImage(slow)).rejects.toThrow(
      `JPEG data is corrupt or truncated: more than ${MAX_JPEG_SCANS} scans (a progressive JPEG made to be slow)`,
    );
    // A few repeats stay within the limit and decode.
    const few = new Uint8Array([...whole.subarray(0, whole.length - 2), ...scan, ...scan, ...whole.subarray(-2)]);
    expect((await decodeImage(few)).width).toBe(readImageHeader(whole)!.width);
  });
});

describe('startDecode', () => {
  // What embedImages waits for before inference blocks the thread: the next batch's decoding
  // must already be running on libuv's threads, not waiting for this thread to be free.
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

  it('hands a JPEG to the decoding thread before it is decoded', async () => {
    expect(await order(readFileSync(new URL('photo-420.jpg', formats)))).toEqual(['handed off', 'decoded']);
  });

  it('settles handedOff once the image is done where it decodes on this thread, or fails', async () => {
    expect(await order(readFileSync(new URL('lossless.png', formats)))).toEqual(['decoded', 'handed off']);
    expect(await order(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]))).toEqual(['failed', 'handed off']);
  });
});
