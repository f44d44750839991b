// The CLIP pipeline in every engine (Chromium, Firefox, WebKit), bundled by Vite (tests/e2e/app):
// in clipscope's Worker on the WASM backend, cancel, offline loading from Cache Storage, bad model
// URLs, CORS, threads under COOP/COEP, a strict CSP and self-hosted runtime files; WebGPU where the
// engine has an adapter (Chromium's software one), with its fallbacks.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipModel } from '../../dist/advanced.js';
import { colourImage, COLOUR_GROUPS } from '../js/colour-images.js';
import { ENGINES, launchEngine, type EngineBrowser, type EngineName, type EnginePage } from './engines/index.js';
import { appReady, openApp, requireApp } from './app-page.js';
import { serveRepository } from '../../scripts/static-server.mjs';

const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

// Why each engine runs on WASM here, as clipscope detects it (no user-agent involved): Chromium has
// navigator.gpu but no adapter without a GPU; Debian's Firefox ESR and WebKitGTK ship no WebGPU.
const NO_WEBGPU: Record<EngineName, string> = {
  chromium: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)',
  firefox: 'navigator.gpu is not available here (no WebGPU in this browser or context)',
  webkit: 'navigator.gpu is not available here (no WebGPU in this browser or context)',
};

type Server = Awaited<ReturnType<typeof serveRepository>>;

// Why one thread runs where the threaded runtime did not start (Firefox after a reload, now and then).
const STALLED_THREADS =
  /^WASM threads did not start( within 10 s \(onnxruntime-web with \d threads\)| \(no progress for 30 s\)): running on one thread$/;
let server: Server;

beforeAll(async () => {
  requireApp();
  server = await serveRepository();
});
afterAll(() => server?.close());

// Runs in the page: the groups' images as PNG blobs, ids "<group>-<k>", plus a corrupt file.
const addColourImages = async ({
  groups,
  model,
  backend,
}: {
  groups: typeof COLOUR_GROUPS;
  model: string;
  backend: string;
}) => {
  const { clipscope, colourPng } = window as any;
  const worker = await clipscope.ClipscopeWorker.create({ model, backend, dtype: 'fp32' });
  const items: Array<{ id: string; image: Blob }> = [];
  for (const group of groups) {
    for (let k = 0; k < 3; k++)
      items.push({ id: `${group.name}-${k}`, image: await colourPng(group.rgb, 64 + 8 * k, 48, k + 1) });
  }
  items.splice(4, 0, {
    id: 'corrupt.jpg',
    image: new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0x00, 1, 2, 3])], { type: 'image/jpeg' }),
  });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  const progress: number[] = [];
  const added = await worker.addImages(items, {
    batchSize: 4,
    onProgress: (p: { done: number }) => progress.push(p.done),
  });
  clearInterval(timer);
  const red = await worker.searchByText('a red thing', 3);
  const similar = await worker.searchByImage('green-0', 2);
  const info = await worker.indexInfo();
  (window as any).worker = worker;
  return {
    backend: worker.backend,
    added: added.added.length,
    failures: added.failures.map((f: any) => [f.id, f.error.name, f.error.message]),
    progress,
    ticks,
    red: red.ids,
    similar: similar.ids,
    size: info.size,
  };
};

describe.each(ENGINES)('%s', (engine) => {
  let browser: EngineBrowser;
  beforeAll(async () => {
    browser = await launchEngine(engine);
  });
  afterAll(() => browser?.close());

  describe('in a Worker on the WASM backend', () => {
    let page: EnginePage;
    beforeAll(async () => {
      page = await openApp(browser, server.url);
    });

    it('falls back to WASM, says why, and embeds, searches and reports the corrupt file', async () => {
      const result = await page.evaluate(addColourImages, {
        groups: COLOUR_GROUPS,
        model: '/build/models/clip-colors/',
        backend: 'auto',
      });
      expect(result.backend.name).toBe('wasm');
      expect(result.backend.reason).toBe(NO_WEBGPU[engine]);
      expect(result.added).toBe(COLOUR_GROUPS.length * 3);
      expect(result.size).toBe(COLOUR_GROUPS.length * 3);
      expect(result.failures).toEqual([
        ['corrupt.jpg', 'DecodeError', expect.stringMatching(/^not a decodable image/)],
      ]);
      expect(result.progress).toEqual([4, 8, 12, 16]);
      expect(result.red.map((id: string) => id.split('-')[0])).toEqual(['red', 'red', 'red']);
      expect([...result.similar].sort()).toEqual(['green-1', 'green-2']);
      // The page kept running its own timers while the worker embedded.
      expect(result.ticks).toBeGreaterThan(0);
    });

    it('gives the same embeddings in the browser worker as in Node', async () => {
      const image = colourImage([200, 120, 30], 90, 70, 7);
      const inBrowser: number[] = await page.evaluate(
        async (raw) => {
          const worker = (window as any).worker;
          const image = { data: new Uint8Array(raw.data), width: raw.width, height: raw.height, channels: 3 };
          const batches: Array<{ indices: number[]; embeddings: Float32Array }> = [];
          const result = await worker.embedImages([image], { transfer: true, onBatch: (b: any) => batches.push(b) });
          // The batch handed over as it finished holds the same embedding as the result.
          if (batches.length !== 1 || batches[0].indices[0] !== 0)
            throw new Error(`onBatch gave ${JSON.stringify(batches.map((b) => b.indices))}`);
          if (!batches[0].embeddings.every((v, i) => v === result.embeddings[i]))
            throw new Error('onBatch embeddings differ');
          return Array.from(result.embeddings as Float32Array);
        },
        { data: Array.from(image.data), width: image.width, height: image.height },
      );
      const model = await ClipModel.load(new URL('../../build/models/clip-colors/', import.meta.url).pathname);
      const inNode = await model.embedImage(image);
      await model.delete();
      expect(inBrowser.length).toBe(512);
      let worst = 0;
      for (let i = 0; i < 512; i++) worst = Math.max(worst, Math.abs(inBrowser[i] - inNode[i]));
      expect(worst).toBeLessThan(1e-6);
    });

    it('cancels an embedding run in the worker with an AbortSignal', async () => {
      const outcome = await page.evaluate(async () => {
        const { colourPng } = window as any;
        const worker = (window as any).worker;
        const items = [];
        for (let i = 0; i < 24; i++) items.push({ id: `cancel-${i}`, image: await colourPng([0, 0, 200], 64, 64, i) });
        const controller = new AbortController();
        const before = (await worker.indexInfo()).size;
        try {
          await worker.addImages(items, {
            batchSize: 4,
            signal: controller.signal,
            onProgress: (p: any) => p.done === 8 && controller.abort(),
          });
          return 'finished';
        } catch (error: any) {
          const after = (await worker.indexInfo()).size;
          return `${error.name} after ${after - before}`;
        }
      });
      // The two batches finished before the cancel reached the worker are kept; the rest are not.
      expect(outcome).toMatch(/^AbortError after (8|12)$/);
    });
  });

  describe('loading model files from a URL', () => {
    it('caches the downloaded files and loads them again with the network blocked', async () => {
      const context = await browser.newContext();
      const page = await openApp(context, server.url);
      const load = () =>
        page.evaluate(async () => {
          const { clipscope } = window as any;
          const seen: Record<string, { loaded: number; total: number | undefined; fromCache: boolean }> = {};
          const model = await clipscope.ClipModel.load(new URL('/build/models/clip-tiny/', location.href).href, {
            onProgress: (p: any) => (seen[p.file] = { loaded: p.loaded, total: p.total, fromCache: p.fromCache }),
          });
          const embedding = Array.from((await model.embedText('a photo of a dog')) as Float32Array).slice(0, 8);
          await model.delete();
          return { seen, embedding };
        });
      const first = await load();
      const vision = readFileSync(
        new URL('../../build/models/clip-tiny/onnx/vision_model_quantized.onnx', import.meta.url),
      ).length;
      expect(first.seen['onnx/vision_model_quantized.onnx']).toEqual({
        loaded: vision,
        total: vision,
        fromCache: false,
      });

      // The model folder is cut off as a dropped network would be; nothing under it is even asked for.
      server.cutOff('/build/models/');
      const asked = server.requests.length;
      // WebKitGTK's automation browser keeps its data in memory only, and its Cache Storage loses
      // entries across a reload (the cache's name stays): there the offline load runs in the same page.
      if (engine !== 'webkit') {
        await page.reload();
        await appReady(page);
      }
      const second = await load().finally(() => server.cutOff(undefined));
      expect(server.requests.slice(asked).filter((path) => path.startsWith('/build/models/'))).toEqual([]);
      expect(Object.values(second.seen).every((p) => p.fromCache)).toBe(true);
      expect(second.embedding).toEqual(first.embedding);

      // With the cache cleared and no network, the error says what could not be fetched.
      server.cutOff('/build/models/');
      const offline = await page.evaluate(async () => {
        const { clipscope } = window as any;
        await clipscope.clearModelCache();
        try {
          await clipscope.ClipModel.load(new URL('/build/models/clip-tiny/', location.href).href);
          return 'loaded';
        } catch (error: any) {
          return `${error.name}: ${error.message}`;
        }
      });
      server.cutOff(undefined);
      expect(offline).toMatch(
        /^ModelLoadError: could not fetch http:\/\/127\.0\.0\.1:\d+\/build\/models\/clip-tiny\/config\.json: the network is unreachable or the server does not allow this page to read it \(CORS/,
      );
      await context.close();
    });

    it('names the missing file of a wrong URL (404)', async () => {
      const page = await openApp(browser, server.url);
      const message = await page.evaluate(async () => {
        const { clipscope } = window as any;
        try {
          await clipscope.ClipModel.load(new URL('/build/models/no-such-model/', location.href).href, {
            cache: false,
            encoders: ['vision'],
          });
          return 'loaded';
        } catch (error: any) {
          return `${error.name}: ${error.message}`;
        }
      });
      expect(message).toMatch(
        /^ModelLoadError: http:\/\/127\.0\.0\.1:\d+\/build\/models\/no-such-model\/ has no preprocessor_config\.json$/,
      );
      await page.close();
    });
  });

  describe('cross-origin', () => {
    let plain: Server;
    let open: Server;
    let isolated: Server;
    beforeAll(async () => {
      plain = await serveRepository();
      open = await serveRepository({ cors: true });
      isolated = await serveRepository({ crossOriginIsolated: true });
    });
    afterAll(async () => {
      await Promise.all([plain?.close(), open?.close(), isolated?.close()]);
    });

    const loadFrom = (page: EnginePage, base: string) =>
      page.evaluate(async (url) => {
        const { clipscope } = window as any;
        try {
          const model = await clipscope.ClipModel.load(url, { cache: false, encoders: ['text'] });
          const n = (await model.embedText('a red car')).length;
          await model.delete();
          return `loaded ${n}`;
        } catch (error: any) {
          return `${error.name}: ${error.message}`;
        }
      }, base);

    it('explains a model server that does not allow cross-origin reads, and loads from one that does', async () => {
      const page = await openApp(browser, server.url);
      expect(await loadFrom(page, `${plain.url}/build/models/clip-tiny/`)).toMatch(
        /^ModelLoadError: could not fetch http:\/\/127\.0\.0\.1:\d+\/build\/models\/clip-tiny\/config\.json: the network is unreachable or the server does not allow this page to read it \(CORS: it must send Access-Control-Allow-Origin\)/,
      );
      expect(await loadFrom(page, `${open.url}/build/models/clip-tiny/`)).toBe('loaded 512');
      await page.close();
    });

    it("runs the core's batched search on threads in a Worker of the isolated page, as the page does on one", async () => {
      const page = await openApp(browser, isolated.url);
      const result = await page.evaluate(async () => {
        const { clipscope } = window as any;
        const worker = await clipscope.ClipscopeWorker.create({
          model: '/build/models/clip-tiny/',
          backend: 'wasm',
          threads: 1,
        });
        let seed = 7;
        const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 8) / 2 ** 24 - 0.5;
        const d = worker.dim;
        const n = 3000;
        const ids = Array.from({ length: n }, (_, i) => i);
        const vectors = Float32Array.from({ length: n * d }, random);
        const queries = Float32Array.from({ length: 9 * d }, random);
        await worker.index('addMany', ids, vectors);
        const inWorker = await worker.index('searchBatch', queries, 25);
        // The page's main thread cannot wait for helpers: the single-thread build runs here.
        const index = await clipscope.EmbeddingIndex.create(d);
        index.addMany(ids, vectors);
        const onPage = index.searchBatch(queries, 25);
        const out = {
          cores: navigator.hardwareConcurrency,
          worker: worker.coreThreads,
          page: clipscope.coreThreads(),
          same: JSON.stringify(inWorker) === JSON.stringify(onPage),
          hits: onPage[0].ids.length,
        };
        index.delete();
        await worker.delete();
        return out;
      });
      expect(result.page).toEqual({
        count: 1,
        detail: "on a page's main thread the core cannot wait for helpers: one thread (ClipscopeWorker has threads)",
      });
      expect(result.hits).toBe(25);
      expect(result.same).toBe(true);
      const threads = Math.min(8, result.cores);
      // WebKitGTK has no SharedArrayBuffer even when isolated: one thread there, and why.
      expect(result.worker).toEqual(
        engine === 'webkit'
          ? { count: 1, detail: 'SharedArrayBuffer is missing: one thread' }
          : threads > 1
            ? { count: threads, detail: `${threads} threads (${result.cores} cores)` }
            : { count: 1, detail: 'one core: one thread' },
      );
      await page.close();
    });

    it('uses WASM threads where the isolated page can run them, with the same embeddings', async () => {
      const page = await openApp(browser, isolated.url);
      const result = await page.evaluate(async () => {
        const { clipscope, colourPng } = window as any;
        const images = [];
        for (let i = 0; i < 4; i++) images.push(await colourPng([i * 60, 90, 200 - i * 40], 100, 80, i + 1));
        const threaded = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-tiny/', backend: 'wasm' });
        const single = await clipscope.ClipscopeWorker.create({
          model: '/build/models/clip-tiny/',
          backend: 'wasm',
          threads: 1,
        });
        const a = await threaded.embedImages(images);
        const b = await single.embedImages(images);
        let worst = 0;
        for (let i = 0; i < a.embeddings.length; i++)
          worst = Math.max(worst, Math.abs(a.embeddings[i] - b.embeddings[i]));
        const out = {
          isolated: crossOriginIsolated,
          cores: navigator.hardwareConcurrency,
          threaded: threaded.backend,
          single: single.backend,
          worst,
        };
        await threaded.delete();
        await single.delete();
        return out;
      });
      expect(result.isolated).toBe(true);
      const threads = Math.min(4, result.cores);
      // WebKitGTK has no SharedArrayBuffer even when isolated: detected, one thread, and why.
      // Firefox's threaded runtime may not start (see the reload test below): one thread, and why.
      const stalled = { threads: 1, threadsReason: expect.stringMatching(STALLED_THREADS) };
      expect(result.threaded).toMatchObject(
        engine === 'webkit'
          ? { threads: 1, threadsReason: 'SharedArrayBuffer is missing although the page is cross-origin isolated' }
          : engine === 'firefox' && result.threaded.threads === 1
            ? stalled
            : {
                threads,
                threadsReason: `cross-origin isolated, ${result.cores} core${result.cores > 1 ? 's' : ''}: ${threads} thread${threads > 1 ? 's' : ''}`,
              },
      );
      expect(result.single).toMatchObject({ threads: 1, threadsReason: 'requested' });
      expect(result.worst).toBeLessThan(1e-5);
      await page.close();
    });

    it('starts on one thread, saying why, where the threaded runtime does not start after a reload', async () => {
      // Firefox's onnxruntime-web threads hang for good about every other reload under load.
      const page = await openApp(browser, isolated.url);
      const started: Array<{ threads: number; threadsReason: string }> = [];
      for (let i = 0; i < 4; i++) {
        started.push(
          await page.evaluate(async () => {
            const { clipscope } = window as any;
            const worker = await clipscope.ClipscopeWorker.create({
              model: '/build/models/clip-colors/',
              dtype: 'fp32',
            });
            const { threads, threadsReason } = worker.backend;
            await worker.delete();
            return { threads, threadsReason };
          }),
        );
        await page.reload();
        await appReady(page);
      }
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const threads = Math.min(4, cores);
      for (const outcome of started) {
        if (engine === 'webkit')
          expect(outcome).toEqual({
            threads: 1,
            threadsReason: 'SharedArrayBuffer is missing although the page is cross-origin isolated',
          });
        else if (outcome.threads === 1) expect(outcome.threadsReason).toMatch(STALLED_THREADS);
        else expect(outcome.threads).toBe(threads);
      }
      await page.close();
    }, 300_000);
  });

  describe('under a strict Content-Security-Policy', () => {
    // No 'unsafe-eval': only compiling WebAssembly is allowed ('wasm-unsafe-eval').
    const CSP =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob: data:";
    let strict: Server;
    let strictIsolated: Server;
    beforeAll(async () => {
      strict = await serveRepository({ csp: `${CSP}; report-uri /csp-report` });
      strictIsolated = await serveRepository({ csp: `${CSP}; report-uri /csp-report`, crossOriginIsolated: true });
    });
    afterAll(async () => {
      await Promise.all([strict?.close(), strictIsolated?.close()]);
    });

    it("starts the core's helper threads under the same policy on an isolated page", async () => {
      const page = await openApp(browser, strictIsolated.url);
      const result = await page.evaluate(async () => {
        const { clipscope } = window as any;
        const seen: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          seen.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
        const worker = await clipscope.ClipscopeWorker.create({
          model: '/build/models/clip-colors/',
          dtype: 'fp32',
          threads: 1,
        });
        const d = worker.dim;
        const n = 4000;
        let seed = 3;
        const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) | 0) >>> 8) / 2 ** 24 - 0.5;
        await worker.index(
          'addMany',
          Array.from({ length: n }, (_, i) => i),
          Float32Array.from({ length: n * d }, random),
        );
        const hits = await worker.index('searchBatch', Float32Array.from({ length: 16 * d }, random), 10);
        const out = { cores: navigator.hardwareConcurrency, coreThreads: worker.coreThreads, hits: hits.length, seen };
        await worker.delete();
        return out;
      });
      const threads = Math.min(8, result.cores);
      expect(result).toEqual({
        cores: result.cores,
        coreThreads:
          engine === 'webkit'
            ? { count: 1, detail: 'SharedArrayBuffer is missing: one thread' }
            : threads > 1
              ? { count: threads, detail: `${threads} threads (${result.cores} cores)` }
              : { count: 1, detail: 'one core: one thread' },
        hits: 16,
        seen: [],
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(strictIsolated.cspReports).toEqual([]);
      expect(await page.errors()).toEqual([]);
      await page.close();
    });

    it('embeds, tokenizes and searches on the page and in the Worker with no CSP violation', async () => {
      const page = await openApp(browser, strict.url);
      const result = await page.evaluate(async () => {
        const { clipscope, colourPng } = window as any;
        const seen: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          seen.push(`${event.violatedDirective} ${event.blockedURI}`),
        );
        const red = await colourPng([220, 30, 30], 64, 64, 1);
        const model = await clipscope.ClipModel.load('/build/models/clip-colors/', { dtype: 'fp32', cache: false });
        const onPage = (await model.classify(red, ['red', 'green', 'blue']))[0].label;
        await model.delete();
        const worker = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-colors/', dtype: 'fp32' });
        await worker.addImages([
          { id: 'red', image: red },
          { id: 'green', image: await colourPng([30, 200, 40], 64, 64, 2) },
        ]);
        const inWorker = (await worker.searchByText('green', 1)).ids[0];
        await worker.delete();
        return { onPage, inWorker, seen };
      });
      expect(result).toEqual({ onPage: 'red', inWorker: 'green', seen: [] });
      // Violations anywhere (the Worker included) are reported to the server by the browser.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(strict.cspReports).toEqual([]);
      await page.close();
    });

    it('decodes a HEIC file with libheif under the same policy, on the page and in the Worker', async () => {
      const page = await openApp(browser, strict.url);
      const sizes = await page.evaluate(async () => {
        const { clipscope } = window as any;
        const heic = await (await fetch('/build/reference/formats/heic-444-rotated.heic')).blob();
        const image = await clipscope.decodeImage(heic);
        const worker = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-colors/', dtype: 'fp32' });
        const inWorker = (await worker.embedImages([heic])).embeddings.length;
        await worker.delete();
        return [image.width, image.height, inWorker];
      });
      expect(sizes).toEqual([47, 61, 512]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(strict.cspReports).toEqual([]);
      expect(await page.errors()).toEqual([]);
      await page.close();
    });
  });

  describe('self-hosted asset locations', () => {
    it("fetches onnxruntime-web's files from runtimeSettings.ortWasmPaths, also in the Worker", async () => {
      const context = await browser.newContext();
      const page = await openApp(context, server.url);
      const asked = server.requests.length;
      const backend = await page.evaluate(async () => {
        const { clipscope } = window as any;
        clipscope.runtimeSettings.ortWasmPaths = '/node_modules/onnxruntime-web/dist/';
        const worker = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-colors/', dtype: 'fp32' });
        const out = worker.backend.name;
        await worker.delete();
        return out;
      });
      expect(backend).toBe('wasm');
      const requests = server.requests.slice(asked);
      expect(requests).toContain('/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm');
      expect(
        requests.filter(
          (path) => /ort-wasm-simd-threaded[^/]*\.wasm$/.test(path) && !path.startsWith('/node_modules/'),
        ),
      ).toEqual([]);
      await page.close();
    });
  });
});

describe.runIf(ENGINES.includes('chromium'))('on WebGPU (Chromium software adapter)', () => {
  // 'auto' leaves a software adapter for WASM (measured over 100× slower); asked for, it runs.
  let browser: EngineBrowser;
  let page: EnginePage;
  beforeAll(async () => {
    browser = await launchEngine('chromium', { chromiumArgs: WEBGPU_FLAGS });
    page = await openApp(browser, server.url);
  });
  afterAll(() => browser?.close());

  it('runs on WebGPU after the canary check and agrees with WASM per image (cosine ≥ 0.999)', async () => {
    const result = await page.evaluate(async () => {
      const { clipscope, colourPng } = window as any;
      const images = [];
      for (let i = 0; i < 6; i++)
        images.push(await colourPng([i * 40, 255 - i * 30, (i * 90) % 256], 80 + i * 10, 60, i + 1));
      const auto = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-tiny/', backend: 'auto' });
      const automatic = auto.backend;
      await auto.delete();
      const gpu = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-tiny/', backend: 'webgpu' });
      const cpu = await clipscope.ClipscopeWorker.create({ model: '/build/models/clip-tiny/', backend: 'wasm' });
      const a = await gpu.embedImages(images);
      const b = await cpu.embedImages(images);
      const ta = await gpu.embedTexts(['a photo of a cat', 'a red car']);
      const tb = await cpu.embedTexts(['a photo of a cat', 'a red car']);
      const cosines = (x: Float32Array, y: Float32Array, n: number) =>
        Array.from({ length: n }, (_, r) =>
          x.subarray(r * 512, (r + 1) * 512).reduce((s, v, j) => s + v * y[r * 512 + j], 0),
        );
      const out = {
        automatic,
        gpu: gpu.backend,
        gpuFiles: gpu.files,
        cpu: cpu.backend,
        images: cosines(a.embeddings, b.embeddings, 6),
        texts: cosines(ta, tb, 2),
      };
      await gpu.delete();
      await cpu.delete();
      return out;
    });
    expect(result.automatic).toMatchObject({
      name: 'wasm',
      reason: 'the only WebGPU adapter is a software fallback (no GPU): CLIP runs over 100× faster on WASM',
    });
    expect(result.gpu.name).toBe('webgpu');
    expect(result.gpu.reason).toMatch(/^requested; canary agrees with WASM \(cosine 0\.99\d+|1\.0+\)$/);
    // WebGPU's default weights are the fp32 files (the only ones that passed its canary here).
    expect(result.gpuFiles).toEqual({ vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' });
    expect(result.cpu).toEqual({
      name: 'wasm',
      reason: 'requested',
      threads: 1,
      threadsReason:
        'the page is not cross-origin isolated (it needs the COOP and COEP headers), so WASM threads are unavailable',
    });
    for (const cosine of [...result.images, ...result.texts]) expect(cosine).toBeGreaterThanOrEqual(0.999);
  });

  it('falls back to WASM when WebGPU disagrees with the canary', async () => {
    const backend = await page.evaluate(async () => {
      const { clipscope } = window as any;
      const worker = await clipscope.ClipscopeWorker.create({
        model: '/build/models/clip-tiny/',
        backend: 'webgpu',
        canaryMinCosine: 1.5,
      });
      const info = worker.backend;
      await worker.delete();
      return info;
    });
    expect(backend.name).toBe('wasm');
    expect(backend.reason).toMatch(
      /^WebGPU output disagreed with WASM on the canary input \(cosine [\d.]+ < 1\.5\); using WASM$/,
    );
  });
});
