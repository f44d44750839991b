// The demo page, built by Vite from the package, in every engine with the bundled colour test
// model: drop photos, search by a photo and by text, cluster, the map, near duplicates,
// persistence across reloads, export → clear → import, a corrupt file, and no request leaving
// localhost but the check that the default model can be downloaded.
// Screenshots of each view go to test-results/e2e/<engine>/.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EngineBrowser, type EnginePage } from './engines/index.js';
import { attribute, checked, count, dataIds, selectOption, text, texts, visible } from './engines/dom.js';
import { pageRequests } from './engines/outside-proxy.js';
import {
  demoReady,
  launchOffline,
  MODEL_LOAD_MS,
  OPEN_DEMO_MS,
  openDemo,
  requireDemo,
  startDemoServer,
} from './demo-page.js';

const shapesDir = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));
const COLOURS = ['red', 'green', 'blue', 'yellow'];
const colourOf = (id: string) => id.split('-')[0];

let server: Awaited<ReturnType<typeof startDemoServer>>;

beforeAll(async () => {
  requireDemo();
  server = await startDemoServer();
});
afterAll(() => server?.close());

describe.each(ENGINES)('demo page in %s', (engine) => {
  const shots = fileURLToPath(new URL(`../../test-results/e2e/${engine}/`, import.meta.url));
  let offline: Awaited<ReturnType<typeof launchOffline>>;
  let browser: EngineBrowser;
  let page: EnginePage;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    offline = await launchOffline(engine);
    browser = offline.browser;
    ({ page } = await openDemo(browser, server.url));
  }, OPEN_DEMO_MS);
  afterAll(() => offline?.close());

  const resultIds = () => dataIds(page, '#results li');

  async function dropFiles(files: Array<{ name: string; bytes: number[]; type: string }>): Promise<void> {
    await page.evaluate((list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      document
        .getElementById('drop-zone')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, files);
  }

  async function search(query: string): Promise<void> {
    await page.fill('#query', query);
    await page.pressEnter('#query');
  }

  it(
    'says plainly when the default model cannot be reached, and offers the other two',
    { timeout: OPEN_DEMO_MS },
    async () => {
      const { context, page: other } = await openDemo(browser, server.url);
      expect(await checked(other, 'input[name="model"][value="test"]')).toBe(true);
      expect(await text(other, '#model-status')).toBe(
        'The CLIP model cannot be downloaded now (offline, or the Hugging Face hub is unreachable) and is not cached: the bundled test model is selected.',
      );
      await other.click('input[name="model"][value="default"]');
      await other.click('#load-model');
      await expect
        .poll(() => text(other, '#model-status'), { timeout: 30_000 })
        .toMatch(
          /^Could not load the model: could not fetch https:\/\/huggingface\.co\/Xenova\/clip-vit-base-patch32\/resolve\/main\/config\.json: .*The default model could not be reached: pick the model files from disk, or use the bundled test model\.$/,
        );
      await other.screenshot(`${shots}demo-offline-default.png`);
      await context.close();
    },
  );

  // Answering for huggingface.co takes request interception, which only Playwright's Chromium
  // driver offers here; what is tested is the page's own logic, the same in every engine.
  it.runIf(engine === 'chromium')('keeps the real model as the default when the hub answers', async () => {
    const { chromium } = await import('playwright-core');
    const { CHROMIUM_FLAGS, chromiumPath } = await import('../../scripts/chromium-flags.mjs');
    const online = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    const context = await online.newContext();
    await context.route('https://huggingface.co/**', (route) =>
      route.fulfill({ status: 200, headers: { 'Access-Control-Allow-Origin': '*' }, body: '{}' }),
    );
    const other = await context.newPage();
    await other.goto(server.url);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await other.isChecked('input[name="model"][value="default"]')).toBe(true);
    expect(await other.textContent('#model-status')).toBe('No model loaded.');
    await online.close();
  });

  it('starts empty and loads the bundled test model, saying which backend runs and why', async () => {
    await expect.poll(() => text(page, '#empty')).toMatch(/^No photos yet/);
    await page.click('input[name="model"][value="test"]');
    await page.click('#load-model');
    await expect.poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS }).toMatch(/^Model ready/);
    // The demo server sends COOP/COEP, so the page is cross-origin isolated and WASM uses threads
    // where it can (WebKitGTK has no SharedArrayBuffer: one thread, and the page says why).
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency));
    // Firefox's threaded runtime may not start (pipeline.test.ts): then one thread, and why.
    const stalledThreads = engine === 'firefox' && /\(1 thread\)/.test((await text(page, '#backend')) ?? '');
    const threads = engine === 'webkit' || stalledThreads ? 1 : cores;
    const gpu =
      engine === 'chromium'
        ? 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)'
        : 'navigator.gpu is not available here (no WebGPU in this browser or context)';
    const oneThread =
      threads === 1
        ? ` One thread: ${
            engine === 'webkit'
              ? 'SharedArrayBuffer is missing although the page is cross-origin isolated'
              : stalledThreads
                ? ((await text(page, '#backend'))!.match(/One thread: (WASM threads did not start.*)\.$/)?.[1] ??
                  'missing')
                : 'cross-origin isolated, 1 core: 1 thread'
          }.`
        : '';
    expect(await text(page, '#backend')).toBe(
      `Running on WebAssembly (${threads} thread${threads > 1 ? 's' : ''}): ${gpu}.${oneThread}`,
    );
  }, 180_000);

  it('embeds dropped photos, shows their thumbnails and lists the corrupt file', async () => {
    const shapes = readdirSync(shapesDir).filter((f) => f.endsWith('.png'));
    const files = shapes.map((name) => ({ name, bytes: [...readFileSync(shapesDir + name)], type: 'image/png' }));
    files.splice(5, 0, { name: 'broken.jpg', bytes: [0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3], type: 'image/jpeg' });
    await dropFiles(files);
    await expect
      .poll(() => text(page, '#embed-status'), { timeout: 60_000 })
      .toMatch(/^Added 16 photos in [\d.]+ s; 1 could not be added/);
    expect(await texts(page, '#failure-list li')).toEqual([expect.stringMatching(/^broken\.jpg: /)]);
    await expect.poll(() => count(page, '#grid .cell')).toBe(16);
    expect(await attribute(page, '#grid', 'data-count')).toBe('16');
    expect(await text(page, '#memory')).toMatch(
      /^16 photos embedded · 0\.0\d MB of embeddings in WebAssembly memory \(\d+ bytes per photo, 512 dimensions, float32\)$/,
    );
    await page.screenshot(`${shots}demo-photos.png`);
  });

  it('opens a photo large and finds the red photos for it; finds only red photos for the text "red"', async () => {
    await page.click('#grid .cell[data-id="red-circle.png"]');
    await expect
      .poll(() => page.evaluate(() => (document.getElementById('viewer') as HTMLDialogElement).open))
      .toBe(true);
    expect(await text(page, '#viewer-name')).toBe('red-circle.png');
    await expect.poll(() => text(page, '#viewer-source')).toBe('The original photo.');
    await page.click('#viewer-similar');
    await expect.poll(() => dataIds(page, '#viewer-related li')).toHaveLength(12);
    expect((await dataIds(page, '#viewer-related li')).slice(0, 3).map(colourOf)).toEqual(['red', 'red', 'red']);
    await page.screenshot(`${shots}demo-viewer.png`);
    await page.click('#viewer-close');
    await search('red');
    // Only the four red shapes: the other colours are described better by their own names.
    await expect.poll(async () => (await resultIds()).map(colourOf)).toEqual(['red', 'red', 'red', 'red']);
    await page.screenshot(`${shots}demo-search.png`);
  });

  it('finds similar photos for a dropped photo that is not in the collection', async () => {
    await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(200, 150);
      const context = canvas.getContext('2d')!;
      context.fillStyle = 'rgb(225, 30, 40)';
      context.fillRect(0, 0, 200, 150);
      const file = new File([await canvas.convertToBlob({ type: 'image/png' })], 'my-red-photo.png', {
        type: 'image/png',
      });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      document
        .getElementById('view-photos')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => text(page, '#results-title')).toBe('Most similar to the dropped my-red-photo.png');
    expect((await resultIds()).slice(0, 4).map(colourOf)).toEqual(['red', 'red', 'red', 'red']);
    expect(await attribute(page, '#grid', 'data-count')).toBe('16');
  });

  it('groups the photos by colour, named by colour, and maps one thumbnail per photo', async () => {
    await page.click('#tab-clusters');
    await selectOption(page, '#cluster-k', String(COLOURS.length));
    await page.click('#cluster-form button');
    await expect.poll(() => count(page, '#clusters .cluster')).toBe(COLOURS.length);
    const groups = await page.evaluate(() =>
      [...document.querySelectorAll('#clusters .cluster')].map((s) => ({
        title: s.querySelector('h3')!.textContent,
        members: [...s.querySelectorAll('li')].map((li) => (li as HTMLElement).dataset.id!.split('-')[0]),
      })),
    );
    for (const [g, group] of groups.entries()) {
      expect(new Set(group.members).size).toBe(1);
      // Numbered in display order and named after the colour the model sees.
      expect(group.title).toBe(`${g + 1}${group.members[0]} · 4 photos`);
    }
    expect(groups.map((g) => g.members[0]).sort()).toEqual([...COLOURS].sort());
    expect(await text(page, '#cluster-summary')).toBe('4 groups, as asked.');
    await page.screenshot(`${shots}demo-clusters.png`);

    await selectOption(page, '#cluster-k', 'auto');
    await page.click('#cluster-form button');
    await expect.poll(() => count(page, '#silhouette tbody tr')).toBe(11);
    expect(await text(page, '#silhouette tr.best td')).toBe(`${COLOURS.length} (chosen)`);
    expect(await text(page, '#cluster-summary')).toMatch(/^4 groups fit best: /);

    await page.click('#tab-map');
    await expect.poll(() => attribute(page, '#map', 'data-layout'), { timeout: 30_000 }).toBe('umap');
    expect(await attribute(page, '#map', 'data-points')).toBe('16');
    expect(await texts(page, '#map-legend li')).toHaveLength(COLOURS.length);
    await page.screenshot(`${shots}demo-map.png`);

    await page.click('#tab-duplicates');
    await expect.poll(() => count(page, '#duplicates .duplicate-group')).toBeGreaterThan(0);
    await page.screenshot(`${shots}demo-duplicates.png`);
    await page.click('#tab-photos');
  });

  it('adds the sample photos with one click, skipping the ones already there', async () => {
    await page.click('#load-samples');
    await expect.poll(() => text(page, '#embed-status'), { timeout: 60_000 }).toMatch(/^Added 12 photos/);
    await expect.poll(() => attribute(page, '#grid', 'data-count')).toBe('28');
  });

  it('keeps the collection across a reload', async () => {
    // Results of an earlier search must not be taken for this one's.
    await page.evaluate(() => document.getElementById('results')!.replaceChildren());
    await search('red');
    await expect.poll(async () => (await resultIds()).length).toBeGreaterThan(3);
    const before = await resultIds();
    await page.reload();
    await demoReady(page);
    await expect.poll(() => attribute(page, '#grid', 'data-count')).toBe('28');
    await expect.poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS }).toMatch(/^Model ready/);
    await search('red');
    await expect.poll(resultIds).toEqual(before);
  }, 180_000);

  it('exports, clears and imports the collection with identical search results', async () => {
    const before = await resultIds();
    const download = await page.download('#export');
    expect(download.name).toBe('photos.clipscope');
    const file = `${shots}photos.clipscope`;
    writeFileSync(file, download.bytes);
    await page.click('#clear');
    await expect.poll(() => attribute(page, '#grid', 'data-count')).toBe('0');
    expect(await visible(page, '#empty')).toBe(true);
    await page.setInputFiles('#import-file', [file]);
    await expect.poll(() => text(page, '#embed-status')).toBe('Imported 28 photos.');
    await search('red');
    await expect.poll(resultIds).toEqual(before);
    await page.screenshot(`${shots}demo-imported.png`);
  });

  it('loads model files picked from disk, and says the collection belongs to another model', async () => {
    await page.click('input[name="model"][value="files"]');
    await page.setInputFiles('#model-files', [
      fileURLToPath(new URL('../../build/models/clip-tiny/', import.meta.url)),
    ]);
    await page.click('#load-model');
    await expect
      .poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS })
      .toBe('Your collection was embedded with the test model; load that model to search it, or Clear to start again.');
    expect(await text(page, '#backend')).toMatch(/^Running on WebAssembly/);
    // Nothing is searched with the wrong model, and the collection still exports whole.
    await page.pressEnter('#query');
    await expect
      .poll(() => text(page, '#results-title'))
      .toBe('Your collection was embedded with the test model: load it to search.');
    expect(await text(page, '#memory')).toBe('28 photos stored on this device, embedded with the test model.');
    const exported = JSON.parse((await page.download('#export')).bytes.toString('utf8'));
    expect(exported.photos).toHaveLength(28);
    expect(exported.modelKey).toBe('test');
    expect(exported.index.length).toBeGreaterThan(28 * 2048);
  }, 180_000);

  it('fits a narrow phone screen without sideways scrolling', async () => {
    await page.setViewport(390, 844);
    await page.click('#tab-photos');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot(`${shots}demo-narrow.png`);
    await page.setViewport(1200, 900);
  });

  it('made no request outside localhost but the model check, and raised no page error', async () => {
    // Only the check whether the default model can be downloaded, and the attempt to load it.
    expect(new Set(pageRequests(offline.outside))).toEqual(new Set(['https://huggingface.co/']));
    expect(await page.errors()).toEqual([]);
  });
});
