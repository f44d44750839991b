// The demo with many photos: a long run cancels cleanly, keeping what was added; 1,000 photos
// (far past the few hundred cells a virtualised grid keeps; `npm run bench -- demo-scale` goes
// to 50,000) are all embedded and stored, the grid keeps only the rows in view in the page
// (virtualised), search still answers, and the memory report covers them all.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EnginePage } from './engines/index.js';
import { attribute, count, text, visible } from './engines/dom.js';
import {
  demoReady,
  MODEL_LOAD_MS,
  dropGenerated,
  launchOffline,
  loadTestModel,
  openDemo,
  requireDemo,
  startDemoServer,
} from './demo-page.js';

// The same count in every engine, to keep CI in time.
const COUNT = 1000;
let server: Awaited<ReturnType<typeof startDemoServer>>;

beforeAll(async () => {
  requireDemo();
  server = await startDemoServer();
});
afterAll(() => server?.close());

describe.each(ENGINES)('many photos in %s', (engine) => {
  let offline: Awaited<ReturnType<typeof launchOffline>>;
  beforeAll(async () => {
    offline = await launchOffline(engine);
  });
  afterAll(() => offline?.close());

  async function openWithTestModel(): Promise<EnginePage> {
    const { page } = await openDemo(offline.browser, server.url);
    await loadTestModel(page);
    return page;
  }

  it('adds a folder picked with the folder button, ids keeping the folder path', { timeout: 120_000 }, async () => {
    const page = await openWithTestModel();
    await page.setInputFiles('#photo-folder', [
      fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url)),
    ]);
    await expect.poll(() => text(page, '#embed-status'), { timeout: 60_000 }).toMatch(/^Added 16 photos/);
    await expect.poll(() => count(page, '#grid .cell[data-id="shapes/red-circle.png"]')).toBe(1);
    await page.close();
  });

  it('cancels a run, keeping the photos added so far', { timeout: 300_000 }, async () => {
    const page = await openWithTestModel();
    await dropGenerated(page, 800);
    await expect
      .poll(async () => Number(/^(\d+) of 800/.exec((await text(page, '#embed-status')) ?? '')?.[1] ?? 0), {
        timeout: 120_000,
        intervals: [50],
      })
      .toBeGreaterThanOrEqual(16);
    await page.click('#cancel');
    await expect
      .poll(() => text(page, '#embed-status'), { timeout: 60_000 })
      .toMatch(/^Cancelled: \d+ photos are in the collection\.$/);
    const kept = Number(/^Cancelled: (\d+)/.exec((await text(page, '#embed-status'))!)![1]);
    expect(kept).toBeGreaterThanOrEqual(16);
    expect(kept).toBeLessThan(800);
    expect(await attribute(page, '#grid', 'data-count')).toBe(String(kept));
    expect(await visible(page, '#cancel')).toBe(false);
    await page.close();
  });

  it(
    'moves a collection above ?approximateAbove to approximate search, and keeps it across a reload',
    { timeout: 180_000 },
    async () => {
      const { page } = await openDemo(offline.browser, `${server.url}?approximateAbove=8`);
      await loadTestModel(page);
      await dropGenerated(page, 12, 'many-');
      await expect.poll(() => text(page, '#embed-status'), { timeout: 120_000 }).toMatch(/^Added 12 photos in/);
      const approximate =
        /^12 photos embedded · [\d.]+ MB of embeddings in WebAssembly memory \(\d+ bytes per photo, 512 dimensions, int8\) · approximate search/;
      await expect.poll(() => text(page, '#memory')).toMatch(approximate);
      await page.fill('#query', 'green');
      await page.pressEnter('#query');
      await expect.poll(() => count(page, '#results li')).toBeGreaterThan(0);
      await page.reload();
      await demoReady(page);
      await expect.poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS }).toMatch(/^Model ready/);
      await expect.poll(() => attribute(page, '#grid', 'data-count')).toBe('12');
      await expect.poll(() => text(page, '#memory')).toMatch(approximate);
      await page.close();
    },
  );

  it(`embeds ${COUNT} photos and stays usable`, { timeout: 600_000 }, async () => {
    const page = await openWithTestModel();
    await dropGenerated(page, COUNT);
    await expect
      .poll(() => text(page, '#embed-status'), { timeout: 540_000, intervals: [2000] })
      .toMatch(new RegExp(`^Added ${COUNT} photos in`));
    expect(await attribute(page, '#grid', 'data-count')).toBe(String(COUNT));
    expect(await count(page, '#grid .cell')).toBeLessThan(300);
    expect(await text(page, '#memory')).toMatch(new RegExp(`^${COUNT} photos embedded · [\\d.]+ MB of embeddings`));
    await page.fill('#query', 'green');
    await page.pressEnter('#query');
    // Best first, only what the word describes: the first page of the greens.
    await expect.poll(() => count(page, '#results li')).toBeGreaterThan(0);
    expect(await count(page, '#results li')).toBeLessThanOrEqual(24);
    await page.evaluate(() => {
      const grid = document.getElementById('grid')!;
      grid.scrollTop = grid.scrollHeight;
    });
    await expect.poll(() => count(page, `#grid .cell[data-id="photo-${COUNT - 1}.png"]`)).toBe(1);
  });
});
