import { describe, expect, it } from 'vitest';
import {
  ClipscopeError,
  CorruptDataError,
  DeletedError,
  DimensionMismatchError,
  DuplicateIdError,
  EmbeddingIndex,
  EmptyIndexError,
  InvalidArgumentError,
  NotFiniteError,
  UnknownIdError,
  UnsupportedVersionError,
  ZeroVectorError,
  init,
} from '../../dist/index.js';
import { kernelName } from '../../dist/advanced.js';
import { core, wasmMemoryBytes } from '../../dist/wasm/core.js';
import { bruteForce, randomVectors } from './helpers.js';

await init();

describe('EmbeddingIndex', () => {
  it('runs the wasm SIMD kernels', () => {
    expect(kernelName()).toBe('wasm-simd128');
  });

  it('finds the double-precision brute-force top k for many sizes', () => {
    const cases = [
      [1, 1, 1],
      [10, 3, 20],
      [257, 17, 5],
      [1000, 33, 10],
      [300, 512, 10],
    ];
    for (const [n, d, k] of cases) {
      const data = randomVectors(n, d, n + d);
      const index = new EmbeddingIndex(d);
      index.addMany(
        Array.from({ length: n }, (_, i) => i),
        data,
      );
      for (let q = 0; q < 5; q++) {
        const query = randomVectors(1, d, 1000 * q + d);
        const ref = bruteForce(data, d, query, k);
        const got = index.search(query, k);
        expect(got.ids.length).toBe(Math.min(n, k));
        got.ids.forEach((id, rank) => {
          const want = ref.scores[ref.order[rank]];
          expect(got.scores[rank]).toBeCloseTo(want, 5);
          // a different id only where the true scores tie to float precision
          if (id !== ref.order[rank]) expect(ref.scores[id as number]).toBeCloseTo(want, 6);
        });
      }
      index.delete();
    }
  });

  it('normalises on insert and keeps string and number ids apart', () => {
    const index = new EmbeddingIndex(2);
    index.add('cat', [3, 4]);
    index.add(1, new Float32Array([0, -2]));
    index.add('1', [1, 0]);
    expect([...index.get('cat')]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(index.has(1)).toBe(true);
    expect(index.get('1')[0]).toBe(1);
    expect(index.size).toBe(3);
    expect(index.search([1, 0], 1).ids).toEqual(['1']);
    index.delete();
  });

  it.each([64, 24, 517])('returns batch results identical to single searches (d = %i)', (d) => {
    // The kernels differ (a single query reads four rows at a time, two steps of 8 per loop;
    // a batch pairs queries and rows); every one sums in the same order: d = 24 and 517 take
    // every remainder path.
    const data = randomVectors(999, d, 3);
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const index = new EmbeddingIndex(d, { storage });
      index.addMany(
        Array.from({ length: 999 }, (_, i) => `item-${i}`),
        data,
      );
      const queries = randomVectors(5, d, 4);
      const batch = index.searchBatch(queries, 7);
      expect(batch.length).toBe(5);
      batch.forEach((hits, q) => {
        const single = index.search(queries.subarray(q * d, (q + 1) * d), 7);
        expect(hits.ids).toEqual(single.ids);
        expect(hits.scores).toEqual(single.scores);
      });
      index.delete();
    }
  });

  it('restricts a search to a filter', () => {
    const index = new EmbeddingIndex(3);
    index.addMany(['a', 'b', 'c', 'd'], new Float32Array([1, 0, 0, 0.9, 0.1, 0, 0, 1, 0, 0, 0, 1]));
    expect(index.search([1, 0, 0], 2, { filter: new Set(['c', 'd']) }).ids).toEqual(['c', 'd']);
    expect(index.search([1, 0, 0], 5, { filter: ['b'] }).ids).toEqual(['b']);
    expect(() => index.search([1, 0, 0], 1, { filter: ['zz'] })).toThrow(
      new UnknownIdError('filter id "zz" is not in the index'),
    );
    index.delete();
  });

  it('removes all or nothing', () => {
    const index = new EmbeddingIndex(1);
    index.addMany([1, 2, 3], [1, 1, 1]);
    expect(() => index.remove([2, 9])).toThrow(UnknownIdError);
    expect(index.size).toBe(3);
    index.remove(2);
    expect(index.search([1], 5).ids).toEqual([1, 3]);
    index.delete();
  });

  it('throws typed errors that state the numbers', () => {
    const index = new EmbeddingIndex(3);
    const expectError = (fn: () => unknown, type: new (...args: never[]) => Error, message: string) => {
      try {
        fn();
      } catch (error) {
        expect(error).toBeInstanceOf(type);
        expect(error).toBeInstanceOf(ClipscopeError);
        expect((error as Error).message).toBe(message);
        return;
      }
      throw new Error(`expected ${type.name}`);
    };
    expectError(() => index.search([1, 0, 0], 1), EmptyIndexError, 'the index is empty');
    index.add('a', [1, 0, 0]);
    expectError(() => index.add('a', [0, 1, 0]), DuplicateIdError, 'id "a" is already in the index');
    expectError(
      () => index.addMany(['x', 'y'], [1, 0, 0]),
      DimensionMismatchError,
      'got 3 floats for 2 ids; expected 2 x 3 = 6',
    );
    expectError(() => index.add('b', [0, NaN, 0]), NotFiniteError, 'vector 0 (id "b") has nan at dimension 1');
    expectError(
      () => index.add('b', [0, 0, 0]),
      ZeroVectorError,
      'vector 0 (id "b") is all zeros and cannot be normalised',
    );
    expectError(() => index.search([1, 0], 1), DimensionMismatchError, 'query has 2 dims, index has 3');
    expectError(() => index.search([1, 0, 0], 0), InvalidArgumentError, 'k must be an integer ≥ 1, got 0');
    expectError(() => index.search([Infinity, 0, 0], 1), NotFiniteError, 'query 0 has inf at dimension 0');
    expectError(() => index.get(7), UnknownIdError, 'id 7 is not in the index');
    expectError(
      () => index.add({} as unknown as string, [1, 1, 1]),
      InvalidArgumentError,
      'id 0 must be a number or a string, got an object',
    );
    expectError(() => new EmbeddingIndex(0), InvalidArgumentError, 'dimension must be an integer ≥ 1, got 0');
    expectError(
      () => new EmbeddingIndex(4, { storage: 'int4' as 'int8' }),
      InvalidArgumentError,
      "storage must be 'float32', 'int8' or 'int8-exact', got 'int4'",
    );
    expect(index.search([1, 0, 0], 10).ids).toEqual(['a']); // k > size: size hits
    expect(index.size).toBe(1); // nothing failed changed the index
    index.delete();
    expectError(() => index.size, DeletedError, 'this EmbeddingIndex was deleted');
  });

  it('saves and loads every storage bit-exactly', async () => {
    const data = randomVectors(50, 16, 8);
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const index = new EmbeddingIndex(16, { storage });
      index.addMany(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? i : `s${i}`)),
        data,
      );
      const bytes = index.save();
      const loaded = await EmbeddingIndex.load(bytes);
      expect(loaded.storage).toBe(storage);
      expect(loaded.save()).toEqual(bytes);
      const query = randomVectors(1, 16, 9);
      expect(loaded.search(query, 5)).toEqual(index.search(query, 5));
      index.delete();
      loaded.delete();
    }
  });

  it('rejects every byte flip and truncation of a saved index', async () => {
    const index = new EmbeddingIndex(4);
    index.addMany(['a', 2], [1, 2, 3, 4, 4, 3, 2, 1]);
    const bytes = index.save();
    index.delete();
    for (let at = 0; at < bytes.length; at++) {
      const bad = bytes.slice();
      bad[at] ^= 0x10;
      const error = await EmbeddingIndex.load(bad).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error instanceof CorruptDataError || error instanceof UnsupportedVersionError).toBe(true);
    }
    for (let size = 0; size < bytes.length; size++) {
      await expect(EmbeddingIndex.load(bytes.subarray(0, size))).rejects.toThrow(CorruptDataError);
    }
    const newer = bytes.slice();
    newer[8] = 2;
    await expect(EmbeddingIndex.load(newer)).rejects.toThrow(
      'index format version 2 is not supported; this build reads version 1',
    );
  });

  it('leaks neither Embind handles nor WASM memory over many indexes', () => {
    const raw = core();
    const cycle = () => {
      const index = new EmbeddingIndex(128, { storage: 'int8-exact' });
      index.addMany(
        Array.from({ length: 200 }, (_, i) => `id-${i}`),
        randomVectors(200, 128, 1),
      );
      index.searchBatch(randomVectors(3, 128, 2), 10);
      index.save();
      try {
        index.add('id-0', randomVectors(1, 128, 3));
      } catch {
        // the duplicate error path must not leak either
      }
      index.delete();
    };
    cycle();
    const handles = raw.count_emval_handles();
    const heap = wasmMemoryBytes();
    for (let i = 0; i < 300; i++) cycle();
    expect(raw.count_emval_handles()).toBe(handles);
    expect(wasmMemoryBytes()).toBe(heap);
  });

  it('reports exactly the WebAssembly heap bytes it holds, through adds, removals and a reload', async () => {
    const heap = () => core().heapBytesInUse();
    const names = Array.from({ length: 500 }, (_, i) => `a longer id than fits inline ${i}`);
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const before = heap();
      const index = new EmbeddingIndex(96, { storage });
      index.addMany(names, randomVectors(500, 96, 3));
      index.addMany(
        Array.from({ length: 700 }, (_, i) => i),
        randomVectors(700, 96, 4),
      );
      expect(heap() - before, storage).toBe(index.memoryBytes);
      index.remove(names.slice(0, 100));
      expect(heap() - before, storage).toBe(index.memoryBytes);
      const loaded = await EmbeddingIndex.load(index.save());
      index.delete();
      expect(heap() - before, storage).toBe(loaded.memoryBytes);
      loaded.delete();
      expect(heap()).toBe(before);
    }
  });

  it('reports memory per vector by storage', () => {
    const sizes = Object.fromEntries(
      (['float32', 'int8', 'int8-exact'] as const).map((storage) => {
        const index = new EmbeddingIndex(512, { storage });
        index.addMany(
          Array.from({ length: 1000 }, (_, i) => i),
          randomVectors(1000, 512, 5),
        );
        const perVector = index.memoryBytes / 1000;
        index.delete();
        return [storage, perVector];
      }),
    );
    expect(sizes.float32).toBeGreaterThanOrEqual(2048);
    expect(sizes.float32).toBeLessThan(2048 + 150);
    expect(sizes.int8).toBeGreaterThanOrEqual(516);
    expect(sizes.int8).toBeLessThan(516 + 150);
    expect(sizes['int8-exact']).toBeGreaterThanOrEqual(2048 + 516);
  });
});
