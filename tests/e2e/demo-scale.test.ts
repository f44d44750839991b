// The demo with many photos: a long run cancels cleanly, keeping what was added; 5,000 photos
// are all embedded and stored, the grid keeps only the rows in view in the page (virtualised),
// search still answers, and the memory report covers them all.
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { dropGenerated, loadTestModel, openDemo, startDemoServer } from './demo-page.js';

const COUNT = 5000;
let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openWithTestModel(): Promise<import('playwright-core').Page> {
  const { page } = await openDemo(browser, server.url);
  await loadTestModel(page);
  return page;
}

it('adds a folder picked with the folder button, ids keeping the folder path', { timeout: 120_000 }, async () => {
  const page = await openWithTestModel();
  await page.setInputFiles('#photo-folder', fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url)));
  await expect.poll(() => page.textContent('#embed-status'), { timeout: 60_000 }).toMatch(/^Added 16 photos/);
  await expect.poll(() => page.locator('#grid .cell[data-id="shapes/red-circle.png"]').count()).toBe(1);
  await page.context().close();
});

it('cancels a run, keeping the photos added so far', { timeout: 300_000 }, async () => {
  const page = await openWithTestModel();
  await dropGenerated(page, 800);
  await expect
    .poll(async () => Number(/^(\d+) of 800/.exec((await page.textContent('#embed-status')) ?? '')?.[1] ?? 0), {
      timeout: 120_000,
      intervals: [50],
    })
    .toBeGreaterThanOrEqual(16);
  await page.click('#cancel');
  await expect
    .poll(() => page.textContent('#embed-status'), { timeout: 60_000 })
    .toMatch(/^Cancelled: \d+ photos are in the collection\.$/);
  const kept = Number(/^Cancelled: (\d+)/.exec((await page.textContent('#embed-status'))!)![1]);
  expect(kept).toBeGreaterThanOrEqual(16);
  expect(kept).toBeLessThan(800);
  expect(await page.getAttribute('#grid', 'data-count')).toBe(String(kept));
  expect(await page.isHidden('#cancel')).toBe(true);
  await page.context().close();
});

it(`embeds ${COUNT} photos and stays usable`, { timeout: 600_000 }, async () => {
  const page = await openWithTestModel();
  await dropGenerated(page, COUNT);
  await expect
    .poll(() => page.textContent('#embed-status'), { timeout: 540_000, intervals: [2000] })
    .toMatch(new RegExp(`^Added ${COUNT} photos in`));
  expect(await page.getAttribute('#grid', 'data-count')).toBe(String(COUNT));
  expect(await page.locator('#grid .cell').count()).toBeLessThan(300);
  expect(await page.textContent('#memory')).toMatch(new RegExp(`^${COUNT} photos embedded · [\\d.]+ MB of embeddings`));
  await page.fill('#query', 'green');
  await page.press('#query', 'Enter');
  await expect.poll(() => page.locator('#results li').count()).toBe(12);
  await page.locator('#grid').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
  await expect.poll(() => page.locator(`#grid .cell[data-id="photo-${COUNT - 1}.png"]`).count()).toBe(1);
});
