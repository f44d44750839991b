// The demo never loses work: photos added while a run is going are queued and all end up in
// the collection; an import asks before it touches the collection (cancel, merge, replace);
// a model that fails to load leaves the working one in place. Each case failed before its fix.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EnginePage } from './engines/index.js';
import { attribute, dataIds, text, texts, visible } from './engines/dom.js';
import {
  dropGenerated,
  launchOffline,
  loadTestModel,
  MODEL_LOAD_MS,
  openDemo,
  requireDemo,
  startDemoServer,
} from './demo-page.js';

const shapes = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));
let server: Awaited<ReturnType<typeof startDemoServer>>;

// The command line's index of the sample shapes, made with the demo's test model.
const cliIndex = fileURLToPath(new URL('../../build/cli-demo/shapes.clipscope-index', import.meta.url));

beforeAll(async () => {
  requireDemo();
  server = await startDemoServer();
  rmSync(dirname(cliIndex), { recursive: true, force: true });
  mkdirSync(dirname(cliIndex), { recursive: true });
  execFileSync('node', [
    fileURLToPath(new URL('../../dist/cli/clipscope.js', import.meta.url)),
    'index',
    shapes,
    '--model',
    fileURLToPath(new URL('../../build/models/clip-colors', import.meta.url)),
    '--output',
    cliIndex,
  ]);
});
afterAll(() => server?.close());

const gridCount = (page: EnginePage) => attribute(page, '#grid', 'data-count');
const failures = (page: EnginePage) => texts(page, '#failure-list li');

// Imports `file` into a collection that has photos: the page asks first (once it has read the
// file), and `choice` answers.
async function chooseImport(page: EnginePage, file: string, choice: string): Promise<void> {
  await page.setInputFiles('#import-file', [file]);
  await expect.poll(() => visible(page, '#import-dialog')).toBe(true);
  await page.click(choice);
}

async function addShapes(page: EnginePage): Promise<void> {
  await page.setInputFiles('#photo-folder', [shapes]);
  await expect.poll(() => text(page, '#embed-status'), { timeout: 60_000 }).toMatch(/^Added 16 photos/);
}

describe.each(ENGINES)('the demo never loses work in %s', (engine) => {
  const shots = fileURLToPath(new URL(`../../test-results/e2e/${engine}/`, import.meta.url));
  let offline: Awaited<ReturnType<typeof launchOffline>>;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    offline = await launchOffline(engine);
  });
  afterAll(() => offline?.close());

  async function exportTo(page: EnginePage, name: string): Promise<string> {
    const file = `${shots}${name}`;
    writeFileSync(file, (await page.download('#export')).bytes);
    return file;
  }

  it('queues photos added while a run is going, and every one ends up in the collection', async () => {
    const { context, page } = await openDemo(offline.browser, server.url);
    await loadTestModel(page);
    await dropGenerated(page, 600, 'first-');
    await expect
      .poll(async () => Number(/^(\d+) of 600/.exec((await text(page, '#embed-status')) ?? '')?.[1] ?? 0), {
        timeout: 60_000,
        intervals: [20],
      })
      .toBeGreaterThanOrEqual(8);
    await dropGenerated(page, 50, 'second-');
    await expect.poll(() => text(page, '#queue-status'), { timeout: 30_000 }).toBe('50 more photos queued');
    await page.click('#load-samples');
    // The sample set: 12 photos and 16 shapes, fetched first (slow on a loaded machine).
    await expect.poll(() => text(page, '#queue-status'), { timeout: 30_000 }).toBe('78 more photos queued');
    // The grid's count with the run's status: where a run stops short, the failure says where.
    const progress = async () => `${await gridCount(page)} photos · ${await text(page, '#embed-status')}`;
    await expect.poll(progress, { timeout: 120_000 }).toMatch(/^678 photos · Added 28 photos/);
    // Every photo is stored with its embedding: the export holds all 678 ids.
    const exported = JSON.parse(readFileSync(await exportTo(page, 'queued.clipscope'), 'utf8')) as {
      photos: Array<{ id: string }>;
    };
    const ids = new Set(exported.photos.map((p) => p.id));
    expect(ids.size).toBe(678);
    for (let i = 0; i < 600; i++) expect(ids.has(`first-${i}.png`)).toBe(true);
    for (let i = 0; i < 50; i++) expect(ids.has(`second-${i}.png`)).toBe(true);
    expect(await failures(page)).toEqual([]);
    expect(await page.errors()).toEqual([]);
    await page.screenshot(`${shots}demo-queued.png`);
    await context.close();
  }, 180_000);

  it('asks before an import changes the collection: cancel keeps it, merge adds what is new, replace replaces', async () => {
    const first = await openDemo(offline.browser, server.url);
    await loadTestModel(first.page);
    await addShapes(first.page);
    const file = await exportTo(first.page, 'shapes.clipscope');
    await first.context.close();

    const { context, page } = await openDemo(offline.browser, server.url);
    await loadTestModel(page);
    await dropGenerated(page, 12, 'own-');
    await expect.poll(() => text(page, '#embed-status'), { timeout: 60_000 }).toMatch(/^Added 12 photos/);

    await page.setInputFiles('#import-file', [file]);
    await expect.poll(() => visible(page, '#import-dialog')).toBe(true);
    expect(await text(page, '#import-summary')).toBe('shapes.clipscope holds 16 photos; your collection has 12.');
    await page.screenshot(`${shots}demo-import-dialog.png`);
    await page.click('#import-cancel');
    await expect.poll(() => text(page, '#embed-status')).toBe('Import cancelled: your collection is unchanged.');
    expect(await gridCount(page)).toBe('12');

    await chooseImport(page, file, '#import-merge');
    await expect.poll(() => text(page, '#embed-status')).toBe('Merged shapes.clipscope: added 16 photos.');
    expect(await gridCount(page)).toBe('28');
    await page.fill('#query', 'red');
    await page.pressEnter('#query');
    await expect
      .poll(async () => (await dataIds(page, '#results li')).slice(0, 4).map((id) => id.split('-')[0]))
      .toEqual(['shapes/red', 'shapes/red', 'shapes/red', 'shapes/red']);

    await chooseImport(page, file, '#import-merge');
    await expect
      .poll(() => text(page, '#embed-status'))
      .toBe('Merged shapes.clipscope: added 0 photos; 16 were already in your collection.');
    expect(await gridCount(page)).toBe('28');

    await chooseImport(page, file, '#import-replace');
    await expect.poll(() => text(page, '#embed-status')).toBe('Imported 16 photos.');
    expect(await gridCount(page)).toBe('16');
    expect(await page.errors()).toEqual([]);
    await context.close();
  }, 180_000);

  it('imports an index made by `clipscope index <folder>`, photos shown by name, searchable', async () => {
    const { context, page } = await openDemo(offline.browser, server.url);
    await loadTestModel(page);
    await page.setInputFiles('#import-file', [cliIndex]);
    await expect.poll(() => text(page, '#embed-status')).toBe('Imported 16 photos.');
    expect(await gridCount(page)).toBe('16');
    // Photos without pictures share one placeholder and show their file names as text.
    const tiles = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLImageElement>('#grid .cell img')].map((img) => ({
          name: (img.parentElement as HTMLElement).title,
          caption: img.parentElement?.querySelector('.cell-name')?.textContent,
          src: img.src,
          drawn: img.complete && img.naturalWidth > 0,
        })),
      );
    // The count is written before the grid's cells: wait for all 16, each drawn.
    await expect
      .poll(async () => {
        const now = await tiles();
        return now.length === 16 && now.every((tile) => tile.drawn);
      })
      .toBe(true);
    const shown = await tiles();
    expect(shown).toHaveLength(16);
    expect(new Set(shown.map((tile) => tile.src)).size).toBe(1);
    expect(shown[0].src).toMatch(/^data:image\/svg\+xml;/);
    for (const tile of shown) expect(tile.caption).toBe(tile.name);
    expect(shown.map((tile) => tile.name)).toContain('blue-circle.png');
    // Stored as records without pictures: a reload brings back the same tiles.
    await page.reload();
    await expect.poll(() => gridCount(page)).toBe('16');
    await expect
      .poll(async () => (await tiles()).map((tile) => tile.name).sort())
      .toEqual(shown.map((tile) => tile.name).sort());
    await expect.poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS }).toMatch(/^Model ready/);
    await page.fill('#query', 'red');
    await page.pressEnter('#query');
    await expect
      .poll(async () => (await dataIds(page, '#results li')).slice(0, 4).map((id) => id.split('-')[0]))
      .toEqual(['red', 'red', 'red', 'red']);
    await page.screenshot(`${shots}demo-imported-index.png`);
    expect(await page.errors()).toEqual([]);
    await context.close();
  }, 180_000);

  it('keeps the working model when another one fails to load', async () => {
    const { context, page } = await openDemo(offline.browser, server.url);
    await loadTestModel(page);
    await addShapes(page);
    const backend = await text(page, '#backend');
    await page.click('input[name="model"][value="default"]');
    await page.click('#load-model');
    await expect
      .poll(() => text(page, '#model-status'), { timeout: 30_000 })
      .toMatch(/^Could not load the model: could not fetch https:\/\/huggingface\.co\/.*Still using the test model\.$/);
    expect(await text(page, '#backend')).toBe(backend);
    await page.fill('#query', 'blue');
    await page.pressEnter('#query');
    await expect.poll(() => text(page, '#results-title')).toBe('Photos matching “blue”');
    await expect.poll(() => attribute(page, '#results li', 'data-id')).toMatch(/^shapes\/blue-/);
    expect(await page.errors()).toEqual([]);
    await context.close();
  }, 180_000);
});
