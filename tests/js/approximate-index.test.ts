// The approximate index against the exact one: recall of the true neighbours, the same ids,
// filters and errors, training on its own, save/load, memory per vector.
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  ApproximateIndex,
  CorruptDataError,
  DuplicateIdError,
  EmbeddingIndex,
  EmptyIndexError,
  InvalidArgumentError,
  UnknownIdError,
} from '../../dist/index.js';
import { kmeans, pca2d } from '../../dist/advanced.js';
import { core } from '../../dist/wasm/core.js';
import { rng } from './helpers.js';

// n·d vectors around `clusters` random directions: the shape of real embedding collections.
function clustered(n: number, d: number, clusters: number, seed: number): Float32Array {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const centres = Float32Array.from({ length: clusters * d }, normal);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(next() * clusters);
    for (let j = 0; j < d; j++) out[i * d + j] = centres[c * d + j] / Math.sqrt(d) + (0.6 / Math.sqrt(d)) * normal();
  }
  return out;
}

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

function recallAt10(approx: ApproximateIndex, exact: EmbeddingIndex, queries: Float32Array, nprobe?: number) {
  const d = exact.dim;
  const truth = exact.searchBatch(queries, 10);
  const found = approx.searchBatch(queries, 10, nprobe === undefined ? {} : { nprobe });
  let hits = 0;
  truth.forEach((t, q) => (hits += found[q].ids.filter((id) => t.ids.includes(id)).length));
  return hits / (10 * (queries.length / d));
}

describe('ApproximateIndex', () => {
  const d = 64;
  const n = 25_000;
  const data = clustered(n, d, 300, 1);
  const queries = clustered(50, d, 300, 1); // the same centres: queries near stored vectors
  let approx: ApproximateIndex;
  let exact: EmbeddingIndex;

  it('trains itself at 20,000 vectors and finds 95% of the true top 10 in a sixteenth of its lists', async () => {
    approx = await ApproximateIndex.create(d);
    exact = await EmbeddingIndex.create(d);
    expect(approx.info()).toMatchObject({ trained: false, lists: 1, size: 0 });
    for (let from = 0; from < n; from += 5000) {
      approx.addMany(ids(5000, from), data.subarray(from * d, (from + 5000) * d));
      exact.addMany(ids(5000, from), data.subarray(from * d, (from + 5000) * d));
    }
    expect(approx.info()).toMatchObject({ trained: true, trainedSize: 20_000, lists: 200, nprobe: 13, size: n });
    const byDefault = recallAt10(approx, exact, queries);
    expect(byDefault).toBeGreaterThanOrEqual(0.95);
    // Lists hold whole clusters: the nearest list alone finds nearly all, more never fewer.
    const one = recallAt10(approx, exact, queries, 1);
    expect(one).toBeGreaterThanOrEqual(0.95);
    expect(one).toBeLessThanOrEqual(byDefault);
    expect(recallAt10(approx, exact, queries, 200)).toBeGreaterThanOrEqual(0.98);
  });

  it('has the exact index’s ids, filters and errors', () => {
    expect(() => approx.add(3, new Float32Array(d).fill(1))).toThrow(
      new DuplicateIdError('id 3 is already in the index'),
    );
    expect(() => approx.remove([1, -1])).toThrow(new UnknownIdError('id -1 is not in the index'));
    expect(approx.has(1)).toBe(true);
    const filtered = approx.search(queries.subarray(0, d), 10, { filter: [7, 8, 24_999] });
    expect(filtered.ids.sort((a, b) => Number(a) - Number(b))).toEqual([7, 8, 24_999]);
    expect(() => approx.search(queries.subarray(0, d), 10, { filter: ['nope'] })).toThrow(
      new UnknownIdError('filter id "nope" is not in the index'),
    );
    expect(() => approx.search(queries.subarray(0, d), 10, { nprobe: 0 })).toThrow(InvalidArgumentError);
    approx.remove([5, 6]);
    expect(approx.has(5)).toBe(false);
    expect(approx.size).toBe(n - 2);
  });

  it('groups near duplicates from neighbouring lists, as the exact scan does', async () => {
    // Ten planted near copies (a tiny nudge of a stored vector) among 25,000; both indexes get
    // them and lose them again, whatever the outcome.
    const copies = Float32Array.from({ length: 10 * d }, (_, i) => data[1000 * Math.floor(i / d) * d + (i % d)] + 1e-4);
    const ids = Array.from({ length: 10 }, (_, i) => `copy of ${1000 * i}`);
    approx.addMany(ids, copies);
    exact.addMany(ids, copies);
    onTestFinished(() => {
      approx.remove(ids);
      exact.remove(ids);
    });
    const key = (groups: Array<Array<number | string>>) => groups.map((g) => g.map(String).sort().join(',')).sort();
    // 0.99: well clear of the int8 codes' error (about 10⁻³ at worst) for copies this close.
    const found = approx.nearDuplicates(0.99);
    expect(key(found)).toEqual(key(exact.nearDuplicates(0.99)));
    expect(found).toContainEqual([1000, 'copy of 1000']);
  });

  it('saves and loads to the same results, and rejects damaged bytes', async () => {
    const bytes = approx.save();
    const loaded = await ApproximateIndex.load(bytes);
    // Everything but the memory held (a loaded index has no spare room in its lists).
    expect({ ...loaded.info(), memoryBytes: 0 }).toEqual({ ...approx.info(), memoryBytes: 0 });
    expect(loaded.memoryBytes).toBeLessThanOrEqual(approx.memoryBytes);
    expect(loaded.searchBatch(queries, 10)).toEqual(approx.searchBatch(queries, 10));
    loaded.delete();
    const damaged = bytes.slice();
    damaged[500] ^= 1;
    await expect(ApproximateIndex.load(damaged)).rejects.toThrow(
      new CorruptDataError('index data is corrupt: checksum mismatch (the data was truncated or altered)'),
    );
    await expect(ApproximateIndex.load(exact.save())).rejects.toThrow(
      new CorruptDataError(
        'index data is corrupt: it does not start with the clipscope approximate index magic "CLIPSIVF"',
      ),
    );
  });

  it('scores exactly with exactScores, as the exact index does', async () => {
    const precise = await ApproximateIndex.create(d, { lists: 50, exactScores: true });
    precise.addMany(ids(n), data);
    for (let q = 0; q < 5; q++) {
      const query = queries.subarray(q * d, (q + 1) * d);
      expect(precise.search(query, 10, { nprobe: 50 })).toEqual(exact.search(query, 10));
    }
    precise.delete();
  });

  it('stays under 600 bytes per 512-dim vector, ids and lists included, counted exactly', async () => {
    const heap = () => core().heapBytesInUse();
    const before = heap();
    const big = await ApproximateIndex.create(512);
    big.addMany(ids(20_000), clustered(20_000, 512, 100, 2));
    expect(heap() - before).toBe(big.memoryBytes); // measured, not estimated
    const perVector = big.memoryBytes / big.size;
    expect(perVector).toBeLessThan(600);
    expect(perVector).toBeGreaterThan(512);
    big.delete();
  });

  it('copies an exact index, oldest first, and clusters and maps its own rows as the array ones', async () => {
    // Ties (the same vector three times) resolve oldest first in both indexes, also after the
    // exact index moved its last slot into a removed one.
    const small = await EmbeddingIndex.create(d);
    small.addMany(ids(200), data.subarray(0, 200 * d));
    const same = data.subarray(0, d);
    small.addMany(['tie a', 'tie b', 'tie c'], [...same, ...same, ...same]);
    small.remove([3]);
    const copy = ApproximateIndex.fromIndex(small, { seed: 1 });
    expect(copy.size).toBe(small.size);
    expect(small.size).toBe(202); // left as it was
    expect(copy.search(same, 4).ids).toEqual(small.search(same, 4).ids);
    expect(copy.search(same, 4).ids).toEqual([0, 'tie a', 'tie b', 'tie c']);
    for (const id of [0, 150, 'tie c']) {
      const difference = copy.get(id).map((x, j) => Math.abs(x - small.get(id)[j]));
      expect(Math.max(...difference)).toBeLessThan(0.01); // int8 codes
    }
    // The rows it clusters are its own (dequantised) vectors: the same results as on that array.
    const rows = copy.rows();
    expect(rows.ids).toHaveLength(202);
    const onArray = kmeans(rows.vectors, d, 3, { metric: 'cosine', seed: 2 });
    const onIndex = copy.kmeans(3, { metric: 'cosine', seed: 2 });
    expect(onIndex.ids).toEqual(rows.ids);
    expect(onIndex.labels).toEqual(onArray.labels);
    expect(onIndex.centroids).toEqual(onArray.centroids);
    expect(copy.pca2d().coords).toEqual(pca2d(rows.vectors, d).coords);
    expect(
      copy
        .clusterSummaries(onIndex, { metric: 'cosine' })
        .map((c) => c.size)
        .reduce((a, b) => a + b),
    ).toBe(202);
    expect(copy.rows({ ids: ['tie b', 7] }).ids).toEqual(['tie b', 7]);
    expect(() => copy.rows({ ids: [3] })).toThrow(new UnknownIdError('id 3 is not in the index'));
    expect(() => ApproximateIndex.fromIndex(copy as unknown as EmbeddingIndex)).toThrow(
      new InvalidArgumentError('index must be an EmbeddingIndex, got an ApproximateIndex'),
    );
    copy.delete();
    small.delete();
  });

  it('says an empty index is empty, and checks its options', async () => {
    const empty = await ApproximateIndex.create(4);
    expect(() => empty.search([1, 0, 0, 0], 1)).toThrow(new EmptyIndexError('the index is empty'));
    empty.delete();
    await expect(ApproximateIndex.create(4, { lists: 0 })).rejects.toThrow(
      new InvalidArgumentError('lists must be an integer from 1 to 65536, got 0'),
    );
    approx.delete();
    exact.delete();
  });
});
