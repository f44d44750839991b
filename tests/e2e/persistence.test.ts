// Saving an index in every engine: IndexedDB and OPFS across a reload where the engine has them
// (a typed error naming what is missing where it has not), the automatic choice between them,
// damaged stored bytes (a clear error; the stored copy is not lost), either kind of index, and a
// save interrupted by closing the page half-way (the previous copy stays loadable).
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

  // Saves a small index, then starts saving a 41 MB one (three pieces): its first piece is
  // stored, the write of its second never finishes, and the page reloads: a tab closed mid-save.
  async function interruptedSave(where: 'ToIndexedDB' | 'ToOpfs'): Promise<void> {
    await saveTen(where);
    await page.evaluate(async (where) => {
      const { clipscope } = window as any;
      const big = await clipscope.EmbeddingIndex.create(512);
      const n = 20_000;
      const vectors = new Float32Array(n * 512);
      for (let i = 0; i < vectors.length; i++) vectors[i] = Math.sin(i * 0.37) + (i % 512 === 0 ? 2 : 0);
      big.addMany(
        Array.from({ length: n }, (_, i) => `big-${i}`),
        vectors,
      );
      // The second piece's write never finishes: as if the tab closed while it was written.
      const target: any =
        where === 'ToOpfs' ? (globalThis as any).FileSystemWritableFileStream.prototype : IDBObjectStore.prototype;
      const method = where === 'ToOpfs' ? 'write' : 'put';
      const original = target[method];
      let calls = 0;
      let reached!: () => void;
      const hung = new Promise<void>((resolve) => (reached = resolve));
      target[method] = function (this: unknown, ...args: unknown[]) {
        if (++calls < 2) return original.apply(this, args);
        reached();
        return where === 'ToOpfs' ? new Promise(() => undefined) : {}; // a request that never ends
      };
      void clipscope[`saveIndex${where}`](big, 'photos');
      await hung;
    }, where);
    await reload();
  }

  it('keeps the previous IndexedDB copy when a save is interrupted', async () => {
    await interruptedSave('ToIndexedDB');
    const loaded = await loadBack('FromIndexedDB');
    expect(loaded.ids).toHaveLength(5);
    expect(loaded.ids.every((id: string) => id.startsWith('item-'))).toBe(true);
    // The next save succeeds and drops the interrupted pieces.
    await saveTen('ToIndexedDB');
    const keys = await page.evaluate(async () => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const open = indexedDB.open('clipscope');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const all: IDBValidKey[] = await new Promise((resolve) => {
        const r = db.transaction('indexes').objectStore('indexes').getAllKeys();
        r.onsuccess = () => resolve(r.result);
      });
      db.close();
      return all.map(String).filter((k) => k.startsWith('photos'));
    });
    expect(keys).toHaveLength(2); // the manifest and the one piece of ten vectors
  });

  it('keeps the previous OPFS file when a save is interrupted', async () => {
    if (!hasOpfs) return;
    await interruptedSave('ToOpfs');
    const loaded = await loadBack('FromOpfs');
    expect(loaded.ids.every((id: string) => id.startsWith('item-'))).toBe(true);
    expect(loaded.ids).toHaveLength(5);
  });

  it('saves and loads an approximate index, and says which kind it loaded', async () => {
    const result = await page.evaluate(async () => {
      const { clipscope } = window as any;
      const approx = await clipscope.ApproximateIndex.create(8, { exactScores: true });
      approx.addMany(
        Array.from({ length: 50 }, (_, i) => i),
        Float32Array.from({ length: 400 }, (_, i) => Math.cos(i * 0.9)),
      );
      const before = approx.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
      await clipscope.saveIndexLocally(approx, 'approximate');
      approx.delete();
      const loaded = await clipscope.loadIndexLocally('approximate');
      const after = loaded.search([1, 0, 0, 0, 0, 0, 0, 1], 5);
      const out = {
        kind: loaded instanceof clipscope.ApproximateIndex,
        same: JSON.stringify(before) === JSON.stringify(after),
        size: loaded.size,
      };
      loaded.delete();
      return out;
    });
    expect(result).toEqual({ kind: true, same: true, size: 50 });
  });

  it('has OPFS in every engine but WebKitGTK', () => {
    // The measured support matrix (README): this fails when an engine gains or loses OPFS.
    expect(hasOpfs).toBe(engine !== 'webkit');
  });
});
