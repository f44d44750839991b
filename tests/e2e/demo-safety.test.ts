// The demo never loses work: photos added while a run is going are queued and all end up in
// the collection; an import asks before it touches the collection (cancel, merge, replace);
// a model that fails to load leaves the working one in place. Each case failed before its fix.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { dropGenerated, loadTestModel, openDemo, startDemoServer } from './demo-page.js';

const shapes = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));
const shots = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(new URL('../../build/web/index.html', import.meta.url)))
    throw new Error('build/web is missing: `npm test` builds the demo first');
  mkdirSync(shots, { recursive: true });
  server = await startDemoServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const gridCount = (page: Page) => page.getAttribute('#grid', 'data-count');
const failures = (page: Page) => page.locator('#failure-list li').allTextContents();

async function addShapes(page: Page): Promise<void> {
  await page.setInputFiles('#photo-folder', shapes);
  await expect.poll(() => page.textContent('#embed-status'), { timeout: 60_000 }).toMatch(/^Added 16 photos/);
}

async function exportTo(page: Page, name: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const file = `${shots}${name}`;
  await download.saveAs(file);
  return file;
}

describe('the demo never loses work', () => {
  it('queues photos added while a run is going, and every one ends up in the collection', async () => {
    const { context, page, errors } = await openDemo(browser, server.url);
    await loadTestModel(page);
    await dropGenerated(page, 600, 'first-');
    await expect
      .poll(async () => Number(/^(\d+) of 600/.exec((await page.textContent('#embed-status')) ?? '')?.[1] ?? 0), {
        timeout: 60_000,
        intervals: [20],
      })
      .toBeGreaterThanOrEqual(8);
    await dropGenerated(page, 50, 'second-');
    await expect.poll(() => page.textContent('#queue-status')).toBe('50 more photos queued');
    await page.click('#load-samples');
    // The sample set: 12 photos and 16 shapes.
    await expect.poll(() => page.textContent('#queue-status')).toBe('78 more photos queued');
    await expect.poll(() => gridCount(page), { timeout: 120_000 }).toBe('678');
    await expect.poll(() => page.textContent('#embed-status'), { timeout: 30_000 }).toMatch(/^Added 28 photos/);
    // Every photo is stored with its embedding: the export holds all 678 ids.
    const exported = JSON.parse(readFileSync(await exportTo(page, 'queued.clipscope'), 'utf8')) as {
      photos: Array<{ id: string }>;
    };
    const ids = new Set(exported.photos.map((p) => p.id));
    expect(ids.size).toBe(678);
    for (let i = 0; i < 600; i++) expect(ids.has(`first-${i}.png`)).toBe(true);
    for (let i = 0; i < 50; i++) expect(ids.has(`second-${i}.png`)).toBe(true);
    expect(await failures(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${shots}demo-queued.png` });
    await context.close();
  }, 180_000);

  it('asks before an import changes the collection: cancel keeps it, merge adds what is new, replace replaces', async () => {
    const first = await openDemo(browser, server.url);
    await loadTestModel(first.page);
    await addShapes(first.page);
    const file = await exportTo(first.page, 'shapes.clipscope');
    await first.context.close();

    const { context, page, errors } = await openDemo(browser, server.url);
    await loadTestModel(page);
    await dropGenerated(page, 12, 'own-');
    await expect.poll(() => page.textContent('#embed-status'), { timeout: 60_000 }).toMatch(/^Added 12 photos/);

    await page.setInputFiles('#import-file', file);
    await expect.poll(() => page.isVisible('#import-dialog')).toBe(true);
    expect(await page.textContent('#import-summary')).toBe('shapes.clipscope holds 16 photos; your collection has 12.');
    await page.screenshot({ path: `${shots}demo-import-dialog.png` });
    await page.click('#import-cancel');
    await expect.poll(() => page.textContent('#embed-status')).toBe('Import cancelled: your collection is unchanged.');
    expect(await gridCount(page)).toBe('12');

    await page.setInputFiles('#import-file', file);
    await page.click('#import-merge');
    await expect.poll(() => page.textContent('#embed-status')).toBe('Merged shapes.clipscope: added 16 photos.');
    expect(await gridCount(page)).toBe('28');
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect
      .poll(() =>
        page
          .locator('#results li')
          .evaluateAll((items) => items.slice(0, 4).map((i) => (i as HTMLElement).dataset.id!.split('-')[0])),
      )
      .toEqual(['shapes/red', 'shapes/red', 'shapes/red', 'shapes/red']);

    await page.setInputFiles('#import-file', file);
    await page.click('#import-merge');
    await expect
      .poll(() => page.textContent('#embed-status'))
      .toBe('Merged shapes.clipscope: added 0 photos; 16 were already in your collection.');
    expect(await gridCount(page)).toBe('28');

    await page.setInputFiles('#import-file', file);
    await page.click('#import-replace');
    await expect.poll(() => page.textContent('#embed-status')).toBe('Imported 16 photos.');
    expect(await gridCount(page)).toBe('16');
    expect(errors).toEqual([]);
    await context.close();
  }, 180_000);

  it('keeps the working model when another one fails to load', async () => {
    const { context, page, errors } = await openDemo(browser, server.url);
    await loadTestModel(page);
    await addShapes(page);
    const backend = await page.textContent('#backend');
    await page.check('input[name="model"][value="default"]');
    await page.click('#load-model');
    await expect
      .poll(() => page.textContent('#model-status'), { timeout: 30_000 })
      .toMatch(/^Could not load the model: could not fetch https:\/\/huggingface\.co\/.*Still using the test model\.$/);
    expect(await page.textContent('#backend')).toBe(backend);
    await page.fill('#query', 'blue');
    await page.press('#query', 'Enter');
    await expect.poll(() => page.textContent('#results-title')).toBe('Photos matching “blue”');
    await expect.poll(() => page.locator('#results li').first().getAttribute('data-id')).toMatch(/^shapes\/blue-/);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
