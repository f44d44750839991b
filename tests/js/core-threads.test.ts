// The core's thread pool in Node: env.threads is checked, the shared-memory build loads with
// helper threads, they run shares of batched search and preprocessing, and results are the same bit for bit as
// on one thread.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ApproximateIndex, EmbeddingIndex, LoadError, coreThreads, env, init } from '../../dist/index.js';
import { ImagePreprocessor, umap2d } from '../../dist/advanced.js';
import { core, helperSharesRun } from '../../dist/wasm/core.js';
import { coreThreadPlan, MAX_DEFAULT_CORE_THREADS } from '../../dist/wasm/thread-support.js';
import { SPIN_MS, spinWhile } from '../../dist/wasm/thread-control.js';
import { Worker } from 'node:worker_threads';
import { randomVectors } from './helpers.js';

describe('env.threads', () => {
  it('must be an integer from 1 to 64: the load fails naming it, and a later load may retry', async () => {
    for (const bad of [0, 65, 1.5, Number.NaN, '2' as unknown as number]) {
      env.threads = bad;
      const failure = await init().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(LoadError);
      expect(String(failure)).toContain(`env.threads must be an integer from 1 to 64, not ${String(bad)}`);
    }
    env.threads = undefined;
    await init();
    const cores = os.availableParallelism();
    expect(coreThreads()).toEqual({
      count: Math.min(cores, MAX_DEFAULT_CORE_THREADS),
      detail:
        cores > 1 ? `${Math.min(cores, MAX_DEFAULT_CORE_THREADS)} threads (${cores} cores)` : 'one core: one thread',
    });
  });
});

describe('the thread plan', () => {
  const memory = { SharedArrayBuffer, Worker: class {} };
  it('has threads in a Worker of a cross-origin isolated page, one per core up to 8', async () => {
    const worker = { ...memory, WorkerGlobalScope: {}, crossOriginIsolated: true };
    expect(await coreThreadPlan(undefined, { ...worker, navigator: { hardwareConcurrency: 4 } })).toEqual({
      threads: 4,
      detail: '4 threads (4 cores)',
    });
    expect((await coreThreadPlan(undefined, { ...worker, navigator: { hardwareConcurrency: 32 } })).threads).toBe(8);
    expect(await coreThreadPlan(3, { ...worker, navigator: { hardwareConcurrency: 32 } })).toEqual({
      threads: 3,
      detail: '3 threads (env.threads)',
    });
  });

  it('says why there is one thread', async () => {
    const cases: Array<[Parameters<typeof coreThreadPlan>[1], string]> = [
      [{ ...memory, WorkerGlobalScope: {}, crossOriginIsolated: false }, 'not cross-origin isolated'],
      [{ ...memory, document: {}, crossOriginIsolated: true }, "on a page's main thread"],
      [{ SharedArrayBuffer, WorkerGlobalScope: {}, crossOriginIsolated: true }, 'cannot start Workers'],
      [{ Worker: class {}, WorkerGlobalScope: {}, crossOriginIsolated: true }, 'SharedArrayBuffer is missing'],
      [{}, 'neither a browser nor Node'],
    ];
    for (const [scope, reason] of cases) {
      const plan = await coreThreadPlan(undefined, scope);
      expect(plan.threads).toBe(1);
      expect(plan.detail).toContain(reason);
    }
    expect(await coreThreadPlan(1, { ...memory, process: { versions: { node: '20' } } })).toEqual({
      threads: 1,
      detail: 'env.threads is 1',
    });
  });
});

// An exact index of the rows of `vectors` (d values each), whose ids are 0, 1, 2, ...
function indexOfRows(vectors: Float32Array, d: number, options: ConstructorParameters<typeof EmbeddingIndex>[1] = {}) {
  const index = new EmbeddingIndex(d, options);
  index.addMany(
    Array.from({ length: vectors.length / d }, (_, i) => i),
    vectors,
  );
  return index;
}

// A lone query, search(k, options), for each of the option sets and each k: the same hits on
// one thread as on all of the core's, and a helper thread taking part.
function expectLoneQuerySharedByThreads<O>(
  search: (k: number, options: O) => { ids: unknown[] },
  optionSets: O[],
  ks: number[],
) {
  for (const options of optionSets) {
    for (const k of ks) {
      const [one, many] = onOneThreadAndAll(() => search(k, options));
      expect(one.ids.length).toBe(k);
      expect(many).toEqual(one);
    }
    // A lone query takes a fraction of a millisecond: on a busy machine a helper may wake only
    // after many of them, so this tries for up to two seconds.
    const start = helperSharesRun();
    const deadline = performance.now() + 2000;
    while (performance.now() < deadline && helperSharesRun() === start) search(10, options);
    expect(helperSharesRun()).toBeGreaterThan(start);
  }
}

// fn() on one thread, then on all of the core's: both results.
function onOneThreadAndAll<T>(fn: () => T): [T, T] {
  core().useThreads(1);
  const one = fn();
  core().useThreads(coreThreads().count);
  return [one, fn()];
}

describe('waiting for a word in shared memory (before Atomics.wait)', () => {
  it('returns at once when the word is no longer the value', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    words[1] = 5;
    expect(spinWhile(words, 1, 4)).toBe(true);
  });

  it('gives up after checking for SPIN_MS when the word stays', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const start = performance.now();
    expect(spinWhile(words, 0, 0)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(SPIN_MS);
  });

  it("sees another thread's store", async () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      'const { workerData } = require("node:worker_threads"); Atomics.store(workerData, 1, 7);',
      { eval: true, workerData: words },
    );
    let spins = 0;
    while (!spinWhile(words, 1, 0)) {
      spins++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(Atomics.load(words, 1)).toBe(7);
    expect(spins).toBeLessThan(10_000);
    await worker.terminate();
  });
});

describe('batched search on threads', () => {
  it('gives the same results bit for bit as one thread, with helpers taking part', async () => {
    await init();
    if (os.availableParallelism() < 2) return; // one core: the plan above covers it
    expect(core().workerThreads()).toBe(coreThreads().count);
    const d = 40;
    const n = 3000;
    const queries = randomVectors(9, d, 5);
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const index = indexOfRows(randomVectors(n, d, 4), d, { storage });
      const filter = Array.from({ length: n / 3 }, (_, i) => 3 * i);
      for (const count of [2, 3, 9]) {
        for (const options of [{}, { filter }]) {
          const some = queries.subarray(0, count * d);
          core().useThreads(1);
          const before = helperSharesRun();
          const one = index.searchBatch(some, 1500, options);
          expect(helperSharesRun()).toBe(before); // one thread: no helper took part
          core().useThreads(coreThreads().count);
          const many = index.searchBatch(some, 1500, options);
          expect(many).toEqual(one);
        }
      }
      index.delete();
    }
  });

  it('finds the same near-duplicate groups as one thread', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    const d = 32;
    const n = 2000;
    const vectors = randomVectors(n, d, 12);
    for (let i = 5; i < n; i += 5) for (let j = 0; j < d; j++) vectors[i * d + j] = vectors[(i - 1) * d + j] + 0.001;
    const index = indexOfRows(vectors, d);
    const [one, many] = onOneThreadAndAll(() => index.nearDuplicates(0.99));
    expect(one.length).toBeGreaterThan(300);
    expect(many).toEqual(one);
    index.delete();
  });

  it('hands shares to the helper threads', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    // A share goes to whichever thread asks first: a batch of a few milliseconds per share
    // gives a helper time to wake (its start, a Worker, is not part of the call).
    const d = 64;
    const n = 20_000;
    const index = indexOfRows(randomVectors(n, d, 6), d);
    const queries = randomVectors(64, d, 7);
    const start = helperSharesRun();
    for (let attempt = 0; attempt < 20 && helperSharesRun() === start; attempt++) index.searchBatch(queries, 10);
    expect(helperSharesRun()).toBeGreaterThan(start);
    index.delete();
  });

  it("splits a single query's rows between threads, with the same results as one thread", async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    // Ranges of at least 2^20 values: 16,384 rows of 64, so four ranges here (two of a filter
    // of every other row).
    const d = 64;
    const n = 70_000;
    const query = randomVectors(1, d, 9);
    const filter = Array.from({ length: n / 2 }, (_, i) => 2 * i);
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const index = indexOfRows(randomVectors(n, d, 8), d, { storage });
      expectLoneQuerySharedByThreads((k, options) => index.search(query, k, options), [{}, { filter }], [10, 20_000]);
      index.delete();
    }
  });

  it("splits a lone approximate query's probed rows between threads, with the same results as one thread", async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    // Every one of 8 lists probed: 70,000 rows of 64, four ranges of at least 16,384 (two of a
    // filter of every other row); trained as the rows are added.
    const d = 64;
    const n = 70_000;
    const index = new ApproximateIndex(d, { lists: 8 });
    index.addMany(
      Array.from({ length: n }, (_, i) => i),
      randomVectors(n, d, 10),
    );
    expect(index.info().trained).toBe(true);
    const query = randomVectors(1, d, 11);
    const filter = Array.from({ length: n / 2 }, (_, i) => 2 * i);
    expectLoneQuerySharedByThreads(
      (k, options) => index.search(query, k, options),
      [{ nprobe: 8 }, { nprobe: 8, filter }],
      [10, 5000],
    );
    index.delete();
  });

  it('gives the approximate index the same results and near-duplicate groups as one thread', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    const d = 24;
    const n = 4000;
    const index = new ApproximateIndex(d, { exactScores: true });
    const vectors = randomVectors(n, d, 8);
    for (let i = 3; i < n; i += 3) for (let j = 0; j < d; j++) vectors[i * d + j] = vectors[(i - 1) * d + j] + 0.001;
    index.addMany(
      Array.from({ length: n }, (_, i) => i),
      vectors,
    );
    index.train();
    const [oneGroups, manyGroups] = onOneThreadAndAll(() => index.nearDuplicates(0.99));
    expect(oneGroups.length).toBeGreaterThan(500);
    expect(manyGroups).toEqual(oneGroups);
    const queries = randomVectors(7, d, 9);
    const filter = Array.from({ length: n / 4 }, (_, i) => 4 * i);
    for (const options of [{ nprobe: 3 }, { nprobe: 3, filter }]) {
      const [one, many] = onOneThreadAndAll(() => index.searchBatch(queries, 40, options));
      expect(many).toEqual(one);
    }
    expect(index.info().trained).toBe(true);
    index.delete();
  });
});

// An image of seeded noise.
function noiseImage(width: number, height: number, channels: number, seed: number) {
  const data = new Uint8Array(width * height * channels);
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = s >>> 24;
  }
  return { data, width, height, channels };
}

describe('batch preprocessing on threads', () => {
  it('gives the same tensor bit for bit as one thread, bad images failing alone, over several copies into memory', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    const preprocessor = new ImagePreprocessor({ crop_size: 224 }); // CLIP's
    // 1080p RGBA photos are 8.3 MB each: 24 of them go into WASM memory in several chunks.
    const images = Array.from({ length: 24 }, (_, i) =>
      i % 3 === 0 ? noiseImage(1920, 1080, 4, i) : noiseImage(640 + i, 480 - i, i % 2 ? 3 : 1, i),
    );
    images[4] = { ...images[4], channels: 2 };
    images[5] = noiseImage(300, 224, 3, 5); // resized in width only: its rows are copied
    images[7] = noiseImage(224, 224, 4, 7); // not resized
    images[17] = { ...images[17], data: images[17].data.subarray(0, 100) };
    const [one, many] = onOneThreadAndAll(() => preprocessor.preprocessBatch(images));
    expect(one.indices).toEqual(Array.from({ length: 24 }, (_, i) => i).filter((i) => i !== 4 && i !== 17));
    expect(one.failures.map((f) => [f.index, f.error.message])).toEqual([
      [4, expect.stringContaining('2 channels')],
      [17, expect.stringContaining('pixel data has 100 bytes')],
    ]);
    expect(many.indices).toEqual(one.indices);
    expect(many.failures.map((f) => f.error.message)).toEqual(one.failures.map((f) => f.error.message));
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(many.data).equals(bytes(one.data))).toBe(true);
    // Each slot is that image's own tensor.
    for (const j of [0, 4, 21]) {
      const alone = preprocessor.preprocess(images[one.indices[j]]);
      expect(bytes(alone).equals(bytes(one.data.subarray(j * alone.length, (j + 1) * alone.length)))).toBe(true);
    }
    const start = helperSharesRun();
    for (let attempt = 0; attempt < 20 && helperSharesRun() === start; attempt++)
      preprocessor.preprocessBatch(images.slice(0, 6));
    expect(helperSharesRun()).toBeGreaterThan(start);
    preprocessor.delete();
  });
});

describe('one photo on threads', () => {
  it('is cut into bands of rows that the helpers share, with the same tensor as one thread', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    const preprocessor = new ImagePreprocessor({ crop_size: 224 });
    for (const photo of [noiseImage(1920, 1080, 3, 31), noiseImage(1201, 1799, 4, 32), noiseImage(150, 90, 1, 33)]) {
      const [one, many] = onOneThreadAndAll(() => preprocessor.preprocess(photo));
      expect(Buffer.from(many.buffer).equals(Buffer.from(one.buffer))).toBe(true);
    }
    // A lone photo whole is one share; in bands a helper takes several of one call's shares.
    const photo = noiseImage(1920, 1080, 3, 34);
    let most = 0;
    for (let attempt = 0; attempt < 20 && most < 2; attempt++) {
      const start = helperSharesRun();
      preprocessor.preprocess(photo);
      most = Math.max(most, helperSharesRun() - start);
    }
    expect(most).toBeGreaterThanOrEqual(2);
    preprocessor.delete();
  });
});

describe('the map layout on threads', () => {
  it('gives the same layout bit for bit as one thread, with helpers taking part', async () => {
    await init();
    if (os.availableParallelism() < 2) return;
    // 5,000 points: the neighbour search goes through the inverted file, the epochs are shared.
    const d = 80;
    const x = randomVectors(5000, d, 21);
    const [one, many] = onOneThreadAndAll(() => umap2d(x, d, { epochs: 20 }).coords);
    expect(many).toEqual(one);
    const start = helperSharesRun();
    for (let attempt = 0; attempt < 5 && helperSharesRun() === start; attempt++) umap2d(x, d, { epochs: 20 });
    expect(helperSharesRun()).toBeGreaterThan(start);
  });
});
