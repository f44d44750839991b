// The demo page, built by Vite from the package, in Chromium with the bundled colour test model:
// drop photos, search by a photo and by text, cluster, the map, near duplicates, persistence
// across reloads, export → clear → import, a corrupt file, and no request leaving localhost but
// the check that the default model can be downloaded.
// Screenshots of each view go to test-results/e2e/.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { startDemoServer } from './demo-page.js';

const built = new URL('../../build/web/index.html', import.meta.url);
const shapesDir = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));
const shots = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));
const COLOURS = ['red', 'green', 'blue', 'yellow'];

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let url: string;
const requests: string[] = [];
const errors: string[] = [];

const colourOf = (id: string) => id.split('-')[0];

beforeAll(async () => {
  if (!existsSync(built)) throw new Error('build/web is missing: `npm test` builds the demo first');
  server = await startDemoServer();
  url = server.url;
  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  context.on('request', (request) => requests.push(request.url()));
  // No network here, stated for the page: the hub never answers.
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  page = await context.newPage();
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('dialog', (dialog) => void dialog.accept());
  mkdirSync(shots, { recursive: true });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function resultIds(): Promise<string[]> {
  return page.locator('#results li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.id!));
}

async function dropFiles(files: Array<{ name: string; bytes: number[]; type: string }>): Promise<void> {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    document
      .getElementById('drop-zone')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

describe('demo page', () => {
  it('says plainly when the default model cannot be reached, and offers the other two', async () => {
    const offline = await browser.newContext();
    await offline.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
    const other = await offline.newPage();
    await other.goto(url);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await other.isChecked('input[name="model"][value="test"]')).toBe(true);
    expect(await other.textContent('#model-status')).toBe(
      'The CLIP model cannot be downloaded now (offline, or the Hugging Face hub is unreachable) and is not cached: the bundled test model is selected.',
    );
    await other.check('input[name="model"][value="default"]');
    await other.click('#load-model');
    await expect
      .poll(() => other.textContent('#model-status'), { timeout: 30_000 })
      .toMatch(
        /^Could not load the model: could not fetch https:\/\/huggingface\.co\/Xenova\/clip-vit-base-patch32\/resolve\/main\/config\.json: .*The default model could not be reached: pick the model files from disk, or use the bundled test model\.$/,
      );
    await other.screenshot({ path: `${shots}demo-offline-default.png` });
    await offline.close();
  });

  it('keeps the real model as the default when the hub answers', async () => {
    const online = await browser.newContext();
    await online.route('https://huggingface.co/**', (route) =>
      route.fulfill({ status: 200, headers: { 'Access-Control-Allow-Origin': '*' }, body: '{}' }),
    );
    const other = await online.newPage();
    await other.goto(url);
    await other.waitForSelector('body[data-ready="true"]');
    expect(await other.isChecked('input[name="model"][value="default"]')).toBe(true);
    expect(await other.textContent('#model-status')).toBe('No model loaded.');
    await online.close();
  });

  it('starts empty and loads the bundled test model, saying which backend runs and why', async () => {
    await expect.poll(() => page.textContent('#empty')).toMatch(/^No photos yet/);
    await page.check('input[name="model"][value="test"]');
    await page.click('#load-model');
    await expect.poll(() => page.textContent('#model-status'), { timeout: 30_000 }).toMatch(/^Model ready/);
    // The demo server sends COOP/COEP, so the page is cross-origin isolated and WASM uses threads.
    const threads = await page.evaluate(() => (crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 0));
    expect(threads).toBeGreaterThan(0);
    expect(await page.textContent('#backend')).toBe(
      `Running on WebAssembly (${threads} thread${threads > 1 ? 's' : ''}): navigator.gpu.requestAdapter() returned null (no usable GPU adapter).`,
    );
  });

  it('embeds dropped photos, shows their thumbnails and lists the corrupt file', async () => {
    const shapes = readdirSync(shapesDir).filter((f) => f.endsWith('.png'));
    const files = shapes.map((name) => ({ name, bytes: [...readFileSync(shapesDir + name)], type: 'image/png' }));
    files.splice(5, 0, { name: 'broken.jpg', bytes: [0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3], type: 'image/jpeg' });
    await dropFiles(files);
    await expect
      .poll(() => page.textContent('#embed-status'), { timeout: 60_000 })
      .toMatch(/^Added 16 photos in [\d.]+ s; 1 could not be added/);
    expect(await page.locator('#failure-list li').allTextContents()).toEqual([expect.stringMatching(/^broken\.jpg: /)]);
    await expect.poll(() => page.locator('#grid .cell').count()).toBe(16);
    expect(await page.getAttribute('#grid', 'data-count')).toBe('16');
    expect(await page.textContent('#memory')).toMatch(
      /^16 photos embedded · 0\.0\d MB of embeddings in WebAssembly memory \(\d+ bytes per photo, 512 dimensions, float32\)$/,
    );
    await page.screenshot({ path: `${shots}demo-photos.png`, fullPage: true });
  });

  it('finds the red photos for a red photo, and for the text "red"', async () => {
    await page.click('#grid .cell[data-id="red-circle.png"]');
    await expect.poll(resultIds).toHaveLength(12);
    expect((await resultIds()).slice(0, 3).map(colourOf)).toEqual(['red', 'red', 'red']);
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect.poll(async () => (await resultIds()).slice(0, 4).map(colourOf)).toEqual(['red', 'red', 'red', 'red']);
    await page.screenshot({ path: `${shots}demo-search.png`, fullPage: true });
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
    await expect.poll(() => page.textContent('#results-title')).toBe('Most similar to the dropped my-red-photo.png');
    expect((await resultIds()).slice(0, 4).map(colourOf)).toEqual(['red', 'red', 'red', 'red']);
    expect(await page.getAttribute('#grid', 'data-count')).toBe('16');
  });

  it('clusters into the colour groups and maps one dot per photo', async () => {
    await page.click('#tab-clusters');
    await page.selectOption('#cluster-k', String(COLOURS.length));
    await page.click('#cluster-form button');
    await expect.poll(() => page.locator('#clusters .cluster').count()).toBe(COLOURS.length);
    const groups = await page
      .locator('#clusters .cluster')
      .evaluateAll((sections) =>
        sections.map((s) => [...s.querySelectorAll('li')].map((li) => (li as HTMLElement).dataset.id!.split('-')[0])),
      );
    for (const group of groups) expect(new Set(group).size).toBe(1);
    expect(groups.map((g) => g[0]).sort()).toEqual([...COLOURS].sort());
    await page.screenshot({ path: `${shots}demo-clusters.png`, fullPage: true });

    await page.selectOption('#cluster-k', 'auto');
    await page.click('#cluster-form button');
    await expect.poll(() => page.locator('#silhouette tbody tr').count()).toBe(11);
    expect(await page.locator('#silhouette tr.best td').first().textContent()).toBe(String(COLOURS.length));

    await page.click('#tab-map');
    await expect.poll(() => page.getAttribute('#map', 'data-points')).toBe('16');
    await page.screenshot({ path: `${shots}demo-map.png`, fullPage: true });

    await page.click('#tab-duplicates');
    await expect.poll(() => page.locator('#duplicates ol').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${shots}demo-duplicates.png`, fullPage: true });
    await page.click('#tab-photos');
  });

  it('adds the sample photos with one click, skipping the ones already there', async () => {
    await page.click('#load-samples');
    await expect.poll(() => page.textContent('#embed-status'), { timeout: 60_000 }).toMatch(/^Added 12 photos/);
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('28');
  });

  it('keeps the collection across a reload', async () => {
    // Results of an earlier search must not be taken for this one's.
    await page.evaluate(() => document.getElementById('results')!.replaceChildren());
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect.poll(resultIds).toHaveLength(12);
    const before = await resultIds();
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('28');
    await expect.poll(() => page.textContent('#model-status'), { timeout: 30_000 }).toMatch(/^Model ready/);
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect.poll(resultIds).toEqual(before);
  });

  it('exports, clears and imports the collection with identical search results', async () => {
    const before = await resultIds();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const file = `${shots}photos.clipscope`;
    await download.saveAs(file);
    await page.click('#clear');
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('0');
    expect(await page.isVisible('#empty')).toBe(true);
    await page.setInputFiles('#import-file', file);
    await expect.poll(() => page.textContent('#embed-status')).toBe('Imported 28 photos.');
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect.poll(resultIds).toEqual(before);
    await page.screenshot({ path: `${shots}demo-imported.png`, fullPage: true });
  });

  it('loads model files picked from disk, and says the collection belongs to another model', async () => {
    await page.check('input[name="model"][value="files"]');
    await page.setInputFiles('#model-files', fileURLToPath(new URL('../../build/models/clip-tiny/', import.meta.url)));
    await page.click('#load-model');
    await expect
      .poll(() => page.textContent('#model-status'), { timeout: 30_000 })
      .toBe('Your collection was embedded with the test model; load that model to search it, or Clear to start again.');
    expect(await page.textContent('#backend')).toMatch(/^Running on WebAssembly/);
    // Nothing is searched with the wrong model, and the collection still exports whole.
    await page.press('#query', 'Enter');
    await expect
      .poll(() => page.textContent('#results-title'))
      .toBe('Your collection was embedded with the test model: load it to search.');
    expect(await page.textContent('#memory')).toBe('28 photos stored on this device, embedded with the test model.');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported.photos).toHaveLength(28);
    expect(exported.modelKey).toBe('test');
    expect(exported.index.length).toBeGreaterThan(28 * 2048);
  });

  it('fits a narrow phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#tab-photos');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: `${shots}demo-narrow.png`, fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('made no request outside localhost and raised no page error', () => {
    const origin = new URL(url).origin;
    const outside = requests.filter((r) => !r.startsWith(origin) && !r.startsWith(`blob:${origin}`));
    // Only the check whether the default model can be downloaded, at start.
    expect(new Set(outside)).toEqual(
      new Set(['https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/config.json']),
    );
    expect(requests.some((r) => r.endsWith('.onnx'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
