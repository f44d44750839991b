// Saving an index to IndexedDB and OPFS in Chromium, reading it back after a reload, and what
// happens with damaged stored bytes (a clear error; the stored copy is not lost).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { launchChromium } from './browser.js';

let server: Awaited<ReturnType<typeof serveRepository>>;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await serveRepository();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(`${server.url}/build/e2e-app/index.html`);
  await page.getByText('ready').waitFor();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function reload(): Promise<void> {
  await page.reload();
  await page.getByText('ready').waitFor();
}

describe('persistence', () => {
  for (const where of ['IndexedDB', 'Opfs']) {
    it(`keeps an index in ${where} across a reload`, async () => {
      const before = await page.evaluate(async (where) => {
        const { clipscope } = window as any;
        const index = await clipscope.EmbeddingIndex.create(8, { storage: 'int8-exact' });
        const vectors = Float32Array.from({ length: 80 }, (_, i) => Math.sin(i * 1.7));
        index.addMany(
          Array.from({ length: 10 }, (_, i) => `item-${i}`),
          vectors,
        );
        await clipscope[`saveIndexTo${where}`](index, 'photos');
        const hits = index.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
        index.delete();
        return { ids: hits.ids, scores: Array.from(hits.scores) };
      }, where);
      await reload();
      const after = await page.evaluate(async (where) => {
        const { clipscope } = window as any;
        const index = await clipscope[`loadIndexFrom${where}`]('photos');
        const hits = index.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
        const out = {
          ids: hits.ids,
          scores: Array.from(hits.scores),
          storage: index.storage,
          missing: await clipscope[`loadIndexFrom${where}`]('nothing'),
        };
        index.delete();
        return out;
      }, where);
      expect(after).toEqual({ ...before, storage: 'int8-exact', missing: undefined });
    });
  }

  it('reports damaged stored bytes as CorruptDataError and keeps them', async () => {
    const result = await page.evaluate(async () => {
      const { clipscope } = window as any;
      const index = await clipscope.EmbeddingIndex.create(4);
      index.add('a', [1, 2, 3, 4]);
      const bytes = index.save();
      bytes[bytes.length - 6] ^= 0xff;
      await clipscope.saveIndexToIndexedDB(bytes, 'damaged');
      const errors = [];
      for (let i = 0; i < 2; i++) {
        try {
          await clipscope.loadIndexFromIndexedDB('damaged');
        } catch (error: any) {
          errors.push(`${error.name}: ${error.message}`);
        }
      }
      return errors;
    });
    expect(result).toHaveLength(2);
    expect(result[0]).toMatch(/^CorruptDataError: /);
    expect(result[1]).toBe(result[0]);
  });
});
