// What each engine can do, measured: clipscope's feature detection on a plain page, a
// cross-origin-isolated page and in a Worker; every image format decoded and compared with
// Pillow's pixels (lossless formats exactly, JPEGs of several subsamplings against Pillow's
// libjpeg-turbo); a format the engine cannot decode named in the error. The README's support
// matrix must match these runs (support-matrix.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNamedArrays } from '../js/named-arrays.js';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from './engines/index.js';
import { openPackagePage } from './app-page.js';
import { JPEG_VARIANTS, matrixCells, readmeRow, type Measured } from './support-matrix.js';

const formatsDir = new URL('../../build/reference/formats/', import.meta.url);
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ROW_NAMES = { chromium: 'Chromium', firefox: 'Firefox ESR', webkit: 'WebKitGTK' } as const;

// Format name → fixture; JPEG variants → fixture.
const LOSSLESS: Record<string, string> = {
  PNG: 'lossless.png',
  WebP: 'lossless.webp',
  GIF: 'palette.gif',
  BMP: 'lossless.bmp',
  AVIF: 'lossless.avif',
  TIFF: 'lossless.tiff',
};
const JPEGS: Record<string, string> = {
  '4:2:0': 'photo-420.jpg',
  '4:2:2': 'photo-422.jpg',
  '4:4:4': 'photo-444.jpg',
  progressive: 'photo-progressive.jpg',
  grayscale: 'photo-gray.jpg',
  'restart markers': 'photo-restart.jpg',
  CMYK: 'photo-cmyk.jpg',
};

let plain: Awaited<ReturnType<typeof serveRepository>>;
let isolated: Awaited<ReturnType<typeof serveRepository>>;

beforeAll(async () => {
  if (!readdirSync(formatsDir).includes('lossless.png'))
    throw new Error('build/reference/formats is missing: npm test writes it');
  plain = await serveRepository();
  isolated = await serveRepository({ crossOriginIsolated: true });
});
afterAll(async () => {
  await plain?.close();
  await isolated?.close();
});

const capabilitiesOnPageAndInWorker = (page: EnginePage) =>
  page.evaluate(async () => {
    const onPage = await (window as any).clipscope.capabilities();
    const worker = new Worker('/tests/e2e/pages/capabilities-worker.js', { type: 'module' });
    const inWorker = await new Promise((resolve) => (worker.onmessage = ({ data }) => resolve(data)));
    worker.terminate();
    return { onPage, inWorker };
  });

/** Decodes a fixture in the page: 'exact' (Pillow's pixels), the largest difference, or the error. */
async function decodeFixture(page: EnginePage, file: string): Promise<string> {
  const result = await page.evaluate(async (url) => {
    try {
      const image = await (window as any).clipscope.decodeImage(await (await fetch(url)).blob());
      // Base64: drivers serialise a string at once, an array number by number.
      let binary = '';
      for (let i = 0; i < image.data.length; i += 0x8000)
        binary += String.fromCharCode(...image.data.subarray(i, i + 0x8000));
      return { width: image.width, channels: image.channels, base64: btoa(binary) };
    } catch (error: any) {
      return { error: `${error.name}: ${error.message}` };
    }
  }, `/build/reference/formats/${file}`);
  if ('error' in result) return result.error!;
  const want = readNamedArrays(`formats/${file}.arrays`).pixels.values;
  const data = Buffer.from(result.base64!, 'base64');
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const got = data[Math.floor(i / 3) * result.channels! + (result.channels === 1 ? 0 : i % 3)];
    worst = Math.max(worst, Math.abs(got - want[i]));
  }
  return worst === 0 ? 'exact' : `differs by up to ${worst}`;
}

describe.each(ENGINES)('%s', (engine) => {
  let browser: EngineBrowser;
  const measured: Partial<Measured> = {};

  beforeAll(async () => {
    browser = await launchEngine(engine);
  });
  afterAll(() => browser?.close());

  it('detects the same features on the page and in a Worker, and threads only when isolated', async () => {
    const page = await openPackagePage(browser, plain.url);
    const { onPage, inWorker } = await capabilitiesOnPageAndInWorker(page);
    await page.close();
    const onIsolated = await openPackagePage(browser, isolated.url);
    const isolatedCaps = (await capabilitiesOnPageAndInWorker(onIsolated)).onPage;
    await onIsolated.close();
    Object.assign(measured, { page: onPage, worker: inWorker, isolated: isolatedCaps });

    expect(inWorker).toEqual(onPage);
    expect(onPage.threads).toEqual({
      available: false,
      count: 1,
      detail:
        'the page is not cross-origin isolated (it needs the COOP and COEP headers), so WASM threads are unavailable',
    });
    if (engine === 'webkit') {
      // Isolated, yet no SharedArrayBuffer: onnxruntime-web cannot run threads, so one is used.
      expect(isolatedCaps.threads).toEqual({
        available: false,
        count: 1,
        detail: 'SharedArrayBuffer is missing although the page is cross-origin isolated',
      });
    } else {
      expect(isolatedCaps.threads.available).toBe(true);
      expect(isolatedCaps.threads.detail).toMatch(/^cross-origin isolated, \d+ cores?: \d threads?$/);
    }
    expect(onPage.imageDecoding.available).toBe(true);
    expect(onPage.indexedDB.available).toBe(true);
    expect(onPage.modelCache.available).toBe(true);
    // What differs between the engines here, each found by feature detection.
    expect(onPage.webgpu.detail).toBe(
      engine === 'chromium'
        ? 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter): the encoders run on WASM'
        : 'navigator.gpu is not available here (no WebGPU in this browser or context): the encoders run on WASM',
    );
    expect(onPage.videoFrameCopy).toEqual(
      engine === 'webkit'
        ? {
            available: false,
            detail:
              'VideoFrame.copyTo does not convert to RGBA here: decoded pixels are read through an OffscreenCanvas',
          }
        : { available: true, detail: 'decoded pixels are read with VideoFrame.copyTo' },
    );
    expect(onPage.opfs.available).toBe(engine !== 'webkit');
  });

  it("decodes PNG, WebP, GIF, BMP and AVIF to Pillow's pixels and names TIFF as undecodable", async () => {
    const page = await openPackagePage(browser, plain.url);
    const outcomes: Record<string, string> = {};
    for (const [format, file] of Object.entries(LOSSLESS)) outcomes[format] = await decodeFixture(page, file);
    await page.close();
    measured.exact = Object.keys(outcomes).filter((format) => outcomes[format] === 'exact');
    measured.undecodable = Object.keys(outcomes).filter((format) => outcomes[format] !== 'exact');
    expect(outcomes).toEqual({
      PNG: 'exact',
      WebP: 'exact',
      GIF: 'exact',
      BMP: 'exact',
      AVIF: 'exact',
      TIFF: expect.stringMatching(
        /^DecodeError: not a decodable image: this browser cannot decode TIFF images, or the file is damaged \(/,
      ),
    });
  });

  it('decodes the first frame of an animated GIF', async () => {
    const page = await openPackagePage(browser, plain.url);
    const outcome = await decodeFixture(page, 'animated.gif');
    await page.close();
    expect(outcome).toBe('exact');
  });

  it("decodes JPEGs of every subsampling, progressive, grayscale, with restart markers and CMYK to exactly Pillow's pixels", async () => {
    const page = await openPackagePage(browser, plain.url);
    const outcomes: Record<string, string> = {};
    for (const [variant, file] of Object.entries(JPEGS)) outcomes[variant] = await decodeFixture(page, file);
    await page.close();
    measured.jpegExact = JPEG_VARIANTS.filter((variant) => outcomes[variant] === 'exact');
    // Measured: all three engines decode with libjpeg-turbo as Pillow does, to the same pixels.
    expect(outcomes).toEqual(Object.fromEntries(JPEG_VARIANTS.map((variant) => [variant, 'exact'])));
  });

  it("matches the README's support matrix", () => {
    const row = readmeRow(README, ROW_NAMES[engine]);
    expect(row, `README.md has no row "| ${ROW_NAMES[engine]} |"`).toBeDefined();
    // Cells: engine, version tested, the measured cells, notes.
    expect(row!.slice(2, -1)).toEqual(matrixCells(measured as Measured));
  });
});
