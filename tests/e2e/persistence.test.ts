// Saving an index in every engine: IndexedDB and OPFS across a reload where the engine has them
// (a typed error naming what is missing where it has not), the automatic choice between them,
// and damaged stored bytes (a clear error; the stored copy is not lost).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from './engines/index.js';
import { appReady, openApp, requireApp } from './app-page.js';

let server: Awaited<ReturnType<typeof serveRepository>>;

beforeAll(async () => {
  requireApp();
  server = await serveRepository();
});
afterAll(() => server?.close());

describe.each(ENGINES)('persistence in %s', (engine) => {
  let browser: EngineBrowser;
  let page: EnginePage;
  let hasOpfs: boolean;

  beforeAll(async () => {
    browser = await launchEngine(engine);
    page = await openApp(browser, server.url);
    hasOpfs = await page.evaluate(() => typeof navigator.storage?.getDirectory === 'function');
  });
  afterAll(() => browser?.close());

  async function reload(): Promise<void> {
    await page.reload();
    await appReady(page);
  }

  const saveTen = (where: string) =>
    page.evaluate(async (where) => {
      const { clipscope } = window as any;
      const index = await clipscope.EmbeddingIndex.create(8, { storage: 'int8-exact' });
      const vectors = Float32Array.from({ length: 80 }, (_, i) => Math.sin(i * 1.7));
      index.addMany(
        Array.from({ length: 10 }, (_, i) => `item-${i}`),
        vectors,
      );
      try {
        const saved = await clipscope[`saveIndex${where}`](index, 'photos');
        const hits = index.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
        return { saved, ids: hits.ids, scores: Array.from(hits.scores) };
      } catch (error: any) {
        return { error: `${error.name}: ${error.message}` };
      } finally {
        index.delete();
      }
    }, where);

  const loadBack = (where: string) =>
    page.evaluate(async (where) => {
      const { clipscope } = window as any;
      const index = await clipscope[`loadIndex${where}`]('photos');
      const hits = index.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
      const out = {
        ids: hits.ids,
        scores: Array.from(hits.scores),
        storage: index.storage,
        missing: await clipscope[`loadIndex${where}`]('nothing'),
      };
      index.delete();
      return out;
    }, where);

  it('keeps an index in IndexedDB across a reload', async () => {
    const { saved, ...before } = await saveTen('ToIndexedDB');
    expect(saved).toBeUndefined();
    await reload();
    expect(await loadBack('FromIndexedDB')).toEqual({ ...before, storage: 'int8-exact', missing: undefined });
  });

  it('keeps an index in OPFS across a reload, or says OPFS is missing', async () => {
    const saved = await saveTen('ToOpfs');
    if (!hasOpfs) {
      // WebKitGTK's browser has no navigator.storage: a typed error, nothing half-written.
      expect(saved).toEqual({ error: 'StorageError: the origin-private file system (OPFS) is not available here' });
      return;
    }
    const before = { ids: saved.ids, scores: saved.scores };
    await reload();
    expect(await loadBack('FromOpfs')).toEqual({ ...before, storage: 'int8-exact', missing: undefined });
  });

  it('stores locally in OPFS where it can write files, else in IndexedDB, and says why', async () => {
    const { saved, ...before } = await saveTen('Locally');
    expect(saved).toEqual(
      hasOpfs
        ? { storage: 'opfs', reason: 'OPFS can write files here' }
        : {
            storage: 'indexeddb',
            reason: 'the origin-private file system (OPFS) is not available here; stored in IndexedDB',
          },
    );
    await reload();
    expect(await loadBack('Locally')).toEqual({ ...before, storage: 'int8-exact', missing: undefined });
  });

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

  it('has OPFS in every engine but WebKitGTK', () => {
    // The measured support matrix (README): this fails when an engine gains or loses OPFS.
    expect(hasOpfs).toBe(engine !== 'webkit');
  });
});
