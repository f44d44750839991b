// A Cache Storage that stops answering (seen in Firefox right after a reload) does not hang a
// model's loading: past the cache's time limit the files are downloaded instead.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClipModel } from '../../dist/advanced.js';
import { serveRepository } from '../../scripts/static-server.mjs';

let server: Awaited<ReturnType<typeof serveRepository>>;
const scope = globalThis as { caches?: unknown };

beforeAll(async () => {
  server = await serveRepository();
  // A cache that opens, then never answers a lookup.
  scope.caches = {
    open: async () => ({ match: () => new Promise(() => {}), put: () => new Promise(() => {}) }),
  };
});
afterAll(async () => {
  delete scope.caches;
  await server?.close();
});

it('downloads the files when the cache does not answer, and keeps loading', async () => {
  const seen: Array<{ file: string; fromCache: boolean }> = [];
  const started = Date.now();
  const model = await ClipModel.load(`${server.url}/build/models/clip-tiny/`, {
    encoders: ['text'],
    onProgress: (progress) => seen.push({ file: progress.file, fromCache: progress.fromCache }),
  });
  expect((await model.embedText('a red car')).length).toBe(512);
  await model.delete();
  // One wait for the stalled lookup, then the cache is left alone: not one per file.
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((p) => !p.fromCache)).toBe(true);
}, 60_000);
