// A million photos in one tab (Chromium): a 1,000,000 × 512 approximate index is built in the
// page, saved to OPFS and to IndexedDB and loaded back from each, with no piece over 16 MiB plus
// one record on the way to storage, and the loaded copy answers every query as the original did.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine, type EngineBrowser, type EnginePage } from './engines/index.js';
import { openApp, requireApp } from './app-page.js';

let server: Awaited<ReturnType<typeof serveRepository>>;
let browser: EngineBrowser;
let page: EnginePage;

interface Summary {
  size: number;
  lists: number;
  memoryBytes: number;
  hits: string;
  largestPiece: number;
  pieces: number;
  seconds: number;
}

describe.skipIf(!ENGINES.includes('chromium'))('a million photos in Chromium', () => {
  beforeAll(async () => {
    requireApp();
    server = await serveRepository();
    browser = await launchEngine('chromium');
    page = await openApp(browser, server.url);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('builds a 1,000,000-photo approximate index in the page', { timeout: 600_000 }, async () => {
    const built = await page.evaluate(async () => {
      const w = window as any;
      const { clipscope } = w;
      const d = 512;
      const n = 1_000_000;
      const batch = 20_000;
      // Clustered unit-ish vectors from a fast seeded generator: 1,000 directions plus noise.
      let state = 12345;
      const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
      const centres = Float32Array.from({ length: 1000 * d }, next);
      const index = await clipscope.ApproximateIndex.create(d);
      const vectors = new Float32Array(batch * d);
      for (let from = 0; from < n; from += batch) {
        for (let i = 0; i < batch; i++) {
          const c = ((from + i) * 7919) % 1000;
          for (let j = 0; j < d; j++) vectors[i * d + j] = centres[c * d + j] + 0.5 * next();
        }
        index.addMany(
          Array.from({ length: batch }, (_, i) => `photo-${from + i}.jpg`),
          vectors,
        );
      }
      const queries = Float32Array.from({ length: 10 * d }, next);
      w.million = { index, queries };
      const info = index.info();
      return { size: info.size, lists: info.lists, trained: info.trained };
    });
    expect(built).toEqual({ size: 1_000_000, lists: expect.any(Number), trained: true });
    expect(built.lists).toBeGreaterThan(500);
  });

  // Saves the index to `where`, recording the pieces written, then deletes it and loads it back.
  const roundTrip = (where: 'Opfs' | 'IndexedDB') =>
    page.evaluate(async (where): Promise<Summary[]> => {
      const w = window as any;
      const { clipscope } = w;
      const summary = (index: any, pieces: number[]) => ({
        size: index.size,
        lists: index.info().lists,
        memoryBytes: index.memoryBytes,
        hits: JSON.stringify(index.searchBatch(w.million.queries, 10)),
        largestPiece: Math.max(0, ...pieces),
        pieces: pieces.length,
        seconds,
      });
      let seconds = 0;
      const timed = async <T>(work: () => Promise<T>): Promise<T> => {
        const start = performance.now();
        const result = await work();
        seconds = (performance.now() - start) / 1000;
        return result;
      };
      const written: number[] = [];
      const target: any =
        where === 'Opfs' ? (globalThis as any).FileSystemWritableFileStream.prototype : IDBObjectStore.prototype;
      const method = where === 'Opfs' ? 'write' : 'put';
      const original = target[method];
      target[method] = function (this: unknown, value: any, ...rest: unknown[]) {
        if (value instanceof Uint8Array) written.push(value.byteLength);
        return original.call(this, value, ...rest);
      };
      try {
        await timed(() => clipscope[`saveIndexTo${where}`](w.million.index, 'million'));
      } finally {
        target[method] = original;
      }
      const before = summary(w.million.index, written);
      w.million.index.delete();
      w.million.index = await timed(() => clipscope[`loadIndexFrom${where}`]('million'));
      return [before, summary(w.million.index, [])];
    }, where);

  for (const where of ['Opfs', 'IndexedDB'] as const) {
    it(`saves it to ${where} in pieces and loads it back the same`, { timeout: 600_000 }, async () => {
      const [before, after] = await roundTrip(where);
      console.log(
        `1,000,000 photos, ${where}: saved in ${before.seconds.toFixed(1)} s, loaded in ${after.seconds.toFixed(1)} s`,
      );
      expect(before.size).toBe(1_000_000);
      expect(before.pieces).toBeGreaterThan(30); // about 570 MB
      expect(before.largestPiece).toBeLessThan(16 * 2 ** 20 + 4096);
      expect(after.size).toBe(before.size);
      expect(after.lists).toBe(before.lists);
      expect(after.hits).toBe(before.hits);
      // Loaded with no spare room: never more than the index it was saved from, but for
      // malloc's rounding (measured bytes: a reused free block may be a few bytes larger).
      expect(after.memoryBytes).toBeLessThanOrEqual(before.memoryBytes + 4096);
      expect(after.memoryBytes / after.size).toBeLessThan(600);
    });
  }
});
