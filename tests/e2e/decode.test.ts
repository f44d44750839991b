// Decoding and preprocessing in every engine, on the page and in a Worker: the browser path
// (createImageBitmap + OffscreenCanvas) gives the PNG's exact pixels, so the tensor equals
// the Pillow + numpy reference; EXIF orientation is applied; bad files are reported.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNamedArrays } from '../js/named-arrays.js';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from './engines/index.js';
import { openPackagePage } from './app-page.js';
import { serveRepository } from '../../scripts/static-server.mjs';

let server: Awaited<ReturnType<typeof serveRepository>>;

beforeAll(async () => {
  server = await serveRepository();
});

afterAll(async () => {
  await server?.close();
});

const clipConfig = JSON.parse(
  readFileSync(new URL('../fixtures/clip-vit-base-patch32.preprocessor_config.json', import.meta.url), 'utf8'),
);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe.each(ENGINES)('decoding in %s', (engine) => {
  let browser: EngineBrowser;
  let page: EnginePage;

  beforeAll(async () => {
    browser = await launchEngine(engine);
    page = await openPackagePage(browser, server.url);
  });

  afterAll(() => browser?.close());

  it.each(['640x480', 'rgba-257x199', 'gray-333x250'])(
    '%s.png on the page equals the reference tensor',
    async (name) => {
      const tensor = await page.evaluate(
        async ({ url, config }) => {
          const { decodeImage, ImagePreprocessor } = (window as any).clipscope;
          const blob = await (await fetch(url)).blob();
          const pre = new ImagePreprocessor(config);
          const out = Array.from(pre.preprocess(await decodeImage(blob)) as Float32Array);
          pre.delete();
          return out;
        },
        { url: `/build/reference/preprocess/${name}.png`, config: clipConfig },
      );
      const ref = readNamedArrays(`preprocess/${name}--clip.arrays`);
      expect(tensor.length).toBe(ref.tensor.values.length);
      expect(maxDiff(tensor, ref.tensor.values)).toBe(0);
    },
  );

  it('decodes PNGs of every color type to the RGB pixels PIL gives', async () => {
    for (const kind of ['gray1', 'gray-alpha', 'palette', 'rgb16', 'rgba', 'interlaced']) {
      const decoded = await page.evaluate(async (url) => {
        const image = await (window as any).clipscope.decodeImage(await (await fetch(url)).blob());
        return { channels: image.channels, data: Array.from(image.data as Uint8Array) };
      }, `/build/reference/preprocess/kind-${kind}.png`);
      const want = readNamedArrays(`preprocess/kind-${kind}.png.arrays`).pixels.values;
      const rgb = Array.from(
        { length: want.length },
        (_, i) => decoded.data[Math.floor(i / 3) * decoded.channels + (decoded.channels === 1 ? 0 : i % 3)],
      );
      expect(rgb, kind).toEqual(Array.from(want));
    }
  });

  it('decodes in a Worker with the same result', async () => {
    const result = await page.evaluate(
      async ({ url, config }) => {
        const worker = new Worker('/tests/e2e/pages/decode-worker.js', { type: 'module' });
        const reply = await new Promise<any>((resolve) => {
          worker.onmessage = ({ data }) => resolve(data);
          worker.postMessage({ url, config });
        });
        worker.terminate();
        return reply.error ? reply : { ...reply, tensor: Array.from(reply.tensor as Float32Array) };
      },
      { url: '/build/reference/preprocess/640x480.png', config: clipConfig },
    );
    expect(result.error).toBeUndefined();
    const ref = readNamedArrays('preprocess/640x480--clip.arrays');
    expect(maxDiff(result.tensor, ref.tensor.values)).toBe(0);
  });

  it('reads ImageData, canvases, ImageBitmaps and <img> elements', async () => {
    const sizes = await page.evaluate(async (url) => {
      const { decodeImage } = (window as any).clipscope;
      const blob = await (await fetch(url)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const img = new Image();
      img.src = url;
      const imageData = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const results = [
        await decodeImage(bitmap),
        await decodeImage(canvas),
        await decodeImage(img),
        await decodeImage(imageData),
        await decodeImage(url),
      ];
      // compare RGB of every result with the first (the PNG decoder gives 3 channels, canvases 4)
      const first = results[0];
      return results.map((r: any) => [
        r.width,
        r.height,
        r.channels,
        Array.from(
          { length: r.width * r.height * 3 },
          (_, i) => r.data[Math.floor(i / 3) * r.channels + (i % 3)] === first.data[Math.floor(i / 3) * 4 + (i % 3)],
        ).every(Boolean),
      ]);
    }, '/build/reference/preprocess/225x224.png');
    expect(sizes).toEqual([...Array(4).fill([225, 224, 4, true]), [225, 224, 3, true]]);
  });

  it('reads JPEG and WebP pixels exactly as the canvas does (VideoFrame path)', async () => {
    const same = await page.evaluate(async () => {
      const { decodeImage } = (window as any).clipscope;
      const out = [];
      for (const [type, w, h] of [
        ['image/jpeg', 640, 480],
        ['image/webp', 333, 251],
        ['image/jpeg', 17, 9],
      ] as const) {
        const source = new OffscreenCanvas(w, h);
        const context = source.getContext('2d')!;
        // Opaque: under transparent pixels engines differ in what a canvas keeps (premultiplied
        // storage zeroes them), which is not what this compares.
        context.fillStyle = '#8a5';
        context.fillRect(0, 0, w, h);
        for (let s = 0; s < 60; s++) {
          context.fillStyle = `hsl(${s * 37} 80% ${20 + s}%)`;
          context.fillRect((s * 53) % w, (s * 31) % h, 40, 40);
        }
        const blob = await source.convertToBlob({ type, quality: 0.85 });
        const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
        const canvas = new OffscreenCanvas(w, h);
        const read = canvas.getContext('2d', { willReadFrequently: true })!;
        read.drawImage(bitmap, 0, 0);
        const expected = read.getImageData(0, 0, w, h).data;
        const decoded = await decodeImage(blob);
        out.push([
          type,
          decoded.width,
          decoded.height,
          decoded.data.length === expected.length && decoded.data.every((v: number, i: number) => v === expected[i]),
        ]);
      }
      return out;
    });
    expect(same).toEqual([
      ['image/jpeg', 640, 480, true],
      ['image/webp', 333, 251, true],
      ['image/jpeg', 17, 9, true],
    ]);
  });

  // Browsers decode a Blob only while the thread that asked is free; clipscope asks from its
  // decoding Worker, so files decode while the page runs inference.
  it("decodes JPEG and WebP files in clipscope's decoding Worker, the same pixels as on the page", async () => {
    const result = await page.evaluate(async () => {
      const { decodeImage } = (window as any).clipscope;
      const { bitmapDecodes } = window as any;
      const before = { ...bitmapDecodes };
      const same = [];
      let viaBitmap = 1; // the corrupt JPEG below
      for (const type of ['image/jpeg', 'image/webp']) {
        const source = new OffscreenCanvas(97, 61);
        const context = source.getContext('2d')!;
        // Opaque: under transparent pixels engines differ in what a canvas keeps.
        context.fillStyle = '#845';
        context.fillRect(0, 0, 97, 61);
        for (let s = 0; s < 40; s++) {
          context.fillStyle = `hsl(${s * 41} 70% ${25 + s}%)`;
          context.fillRect((s * 29) % 97, (s * 17) % 61, 30, 20);
        }
        const blob = await source.convertToBlob({ type, quality: 0.8 });
        // An engine that cannot write WebP gives a PNG, which clipscope decodes itself.
        if (blob.type !== 'image/png') viaBitmap++;
        const options = { colorSpaceConversion: 'none', premultiplyAlpha: 'none' } as const;
        const read = new OffscreenCanvas(97, 61).getContext('2d', { willReadFrequently: true })!;
        read.drawImage(await createImageBitmap(blob, options), 0, 0);
        const expected = read.getImageData(0, 0, 97, 61).data;
        const decoded = await decodeImage(blob);
        same.push(decoded.data.every((v: number, i: number) => v === expected[i]));
      }
      const failed = await decodeImage(new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])])).catch(
        (error: Error) => error.message,
      );
      return {
        same,
        inWorker: bitmapDecodes.inWorker - before.inWorker,
        here: bitmapDecodes.here - before.here,
        viaBitmap,
        failed,
      };
    });
    expect(result.same).toEqual([true, true]);
    // The corrupt JPEG's error comes from the Worker, in the browser's own words.
    expect(result.failed).toMatch(/^not a decodable image: \S/);
    expect(result.failed).not.toMatch(/object|undefined/);
    expect(result.viaBitmap).toBeGreaterThanOrEqual(2);
    expect({ inWorker: result.inWorker, here: result.here }).toEqual({ inWorker: result.viaBitmap, here: 0 });
  });

  it('decodes on the page when a policy refuses Workers', async () => {
    const refusing = await serveRepository({ csp: "worker-src 'none'" });
    const other = await openPackagePage(browser, refusing.url);
    try {
      const result = await other.evaluate(async () => {
        const { decodeImage } = (window as any).clipscope;
        const { bitmapDecodes } = window as any;
        const source = new OffscreenCanvas(40, 30);
        const context = source.getContext('2d')!;
        context.fillStyle = '#3a7';
        context.fillRect(0, 0, 40, 30);
        const blob = await source.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        const sizes = [];
        for (let i = 0; i < 3; i++) {
          const image = await decodeImage(blob);
          sizes.push([image.width, image.height]);
        }
        return { sizes, ...bitmapDecodes };
      });
      expect(result).toEqual({
        sizes: [
          [40, 30],
          [40, 30],
          [40, 30],
        ],
        inWorker: 0,
        here: 3,
      });
    } finally {
      await other.close();
      await refusing.close();
    }
  });

  it('applies EXIF orientation', async () => {
    const size = await page.evaluate(async (url) => {
      const image = await (window as any).clipscope.decodeImage(await (await fetch(url)).blob());
      return [image.width, image.height, image.data[(image.width - 2) * 4], image.data[(image.width - 2) * 4 + 1]];
    }, '/build/reference/preprocess/oriented-6.jpg');
    expect(size[0]).toBe(48);
    expect(size[1]).toBe(64);
    expect(size[2]).toBeGreaterThan(200); // the red corner is now top-right
    expect(size[3]).toBeLessThan(60);
  });

  it('reports corrupt, empty and oversized files', async () => {
    const errors = await page.evaluate(async (url) => {
      const { decodeImage } = (window as any).clipscope;
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      const attempt = (source: unknown, options?: unknown) =>
        decodeImage(source, options).then(
          () => 'decoded',
          (e: Error) => `${e.name}: ${e.message}`,
        );
      return [
        await attempt(new Blob([bytes.subarray(0, 200)])),
        await attempt(new Blob([])),
        await attempt(new Blob([new TextEncoder().encode('not an image')])),
        await attempt(new Blob([bytes]), { maxPixels: 1000 }),
      ];
    }, '/build/reference/preprocess/640x480.png');
    expect(errors[0]).toBe(
      'DecodeError: PNG data is corrupt or truncated: a chunk runs past the end of the file (truncated)',
    );
    expect(errors[1]).toBe('DecodeError: file is empty');
    expect(errors[2]).toMatch(/^DecodeError: not a decodable image: /);
    expect(errors[3]).toBe('DecodeError: image of 640 x 480 pixels is above the limit of 1000 pixels');
  });
});
