// Clustering in WASM: scikit-learn and numpy parity (references from
// tests/reference/make_clustering_refs.py), bit-identical to the native build, on plain
// arrays and straight from an index.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  EmbeddingIndex,
  InvalidArgumentError,
  NotFiniteError,
  UnknownIdError,
  init,
} from '../../dist/index.js';
import { autoK, kmeans, pca2d, silhouette, summarizeClusters } from '../../dist/advanced.js';
import { readNamedArrays } from './named-arrays.js';

await init();

function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const forward = new Map<number, number>();
  const backward = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((forward.get(a[i]) ?? b[i]) !== b[i] || (backward.get(b[i]) ?? a[i]) !== a[i]) return false;
    forward.set(a[i], b[i]);
    backward.set(b[i], a[i]);
  }
  return true;
}

describe('kmeans', () => {
  it.each(['small', 'd16', 'd64-k8', 'd37-capped'])('Lloyd from given centroids matches scikit-learn (%s)', (name) => {
    const ref = readNamedArrays(`clustering/lloyd-${name}.arrays`);
    const [n, dim] = ref.x.shape;
    const k = ref.init.shape[0];
    const result = kmeans(ref.x.values, dim, k, { init: ref.init.values, maxIter: ref.max_iter.values[0] });
    expect(Array.from(result.labels)).toEqual(Array.from(ref.labels.values));
    expect(Math.abs(result.inertia - ref.inertia.values[0])).toBeLessThanOrEqual(1e-4 * ref.inertia.values[0]);
    expect(result.iterations).toBe(ref.iterations.values[0]);
    expect(result.labels.length).toBe(n);
  });

  it('k-means++ with nInit 10 reaches scikit-learn inertia, and finds separated blobs', () => {
    const blobs = readNamedArrays('clustering/plusplus-blobs.arrays');
    const r = kmeans(blobs.x.values, blobs.x.shape[1], blobs.k.values[0], { nInit: 10, seed: 3 });
    expect(r.inertia).toBeLessThanOrEqual(1.01 * blobs.inertia.values[0]);
    const separated = readNamedArrays('clustering/plusplus-separated.arrays');
    const s = kmeans(separated.x.values, separated.x.shape[1], separated.k.values[0], { nInit: 3 });
    expect(samePartition(s.labels, separated.truth.values)).toBe(true);
  });

  it('rejects bad input with clear errors', () => {
    const data = new Float32Array([0, 1, 2, 3, 4, 5]);
    expect(() => kmeans(data, 2, 4)).toThrow(
      new InvalidArgumentError('k must be at most the number of points: k = 4, n = 3'),
    );
    expect(() => kmeans(data, 2, 0)).toThrow('k must be an integer ≥ 1, got 0');
    expect(() => kmeans(data, 4, 1)).toThrow(DimensionMismatchError);
    expect(() => kmeans(new Float32Array(0), 2, 1)).toThrow('kmeans needs at least one point, got 0');
    expect(() => kmeans([0, NaN, 1, 1], 2, 1)).toThrow(NotFiniteError);
    expect(() => kmeans(data, 2, 2, { init: [1, 2, 3] })).toThrow(
      'initial centroids have 3 values; expected k x d = 2 x 2 = 4',
    );
    expect(() => kmeans(data, 2, 2, { metric: 'manhattan' as 'cosine' })).toThrow(
      "metric must be 'euclidean' or 'cosine', got 'manhattan'",
    );
    expect(() => kmeans(data, 2, 2, { init: 'kmeans' as 'random' })).toThrow(InvalidArgumentError);
    expect(kmeans(data, 2, 3).inertia).toBe(0); // k = n
  });
});

describe('WASM clustering equals the native build bit for bit', () => {
  const path = new URL('../../build/golden/clustering.json', import.meta.url);
  if (!existsSync(path)) throw new Error(`${path.pathname} is missing: \`npm test\` writes it from the native build`);
  const g = JSON.parse(readFileSync(path, 'utf8'));
  const data = Float32Array.from(g.data);
  const same = (
    r: ReturnType<typeof kmeans>,
    want: { labels: number[]; centroids: number[]; inertia: number[]; iterations: number },
  ) => {
    expect(Array.from(r.labels)).toEqual(want.labels);
    expect(r.centroids).toEqual(Float32Array.from(want.centroids));
    expect(r.inertia).toBe(want.inertia[0]);
    expect(r.iterations).toBe(want.iterations);
  };

  it('k-means++, spherical, mini-batch and random init', () => {
    same(kmeans(data, g.dim, 8, { seed: 5, nInit: 2 }), g.plusplus);
    same(kmeans(data, g.dim, 6, { seed: 3, metric: 'cosine' }), g.cosine);
    same(kmeans(data, g.dim, 8, { seed: 1, miniBatch: 256 }), g.minibatch);
    same(kmeans(data, g.dim, 8, { seed: 8, init: 'random' }), g.random);
  });

  it('PCA and sampled silhouette', () => {
    const pca = pca2d(data, g.dim);
    expect(pca.coords).toEqual(Float32Array.from(g.pcaCoords));
    expect(pca.explainedVariance).toEqual(g.pcaVariance);
    const labels = kmeans(data, g.dim, 8, { seed: 5, nInit: 2 }).labels;
    expect(silhouette(data, g.dim, labels, { sampleSize: 500, seed: 2 })).toBe(g.silhouette[0]);
  });
});

describe('silhouette, autoK, summaries, PCA', () => {
  it('silhouette equals scikit-learn for both metrics', () => {
    const ref = readNamedArrays('clustering/silhouette-blobs.arrays');
    const dim = ref.x.shape[1];
    expect(Math.abs(silhouette(ref.x.values, dim, ref.labels.values) - ref.euclidean.values[0])).toBeLessThan(1e-5);
    expect(
      Math.abs(silhouette(ref.x.values, dim, ref.labels.values, { metric: 'cosine' }) - ref.cosine.values[0]),
    ).toBeLessThan(1e-5);
    expect(() => silhouette([0, 1, 2], 1, [0, 0, 0])).toThrow(
      'silhouette needs 2 <= number of clusters <= points - 1; got 1 clusters for 3 points',
    );
  });

  it('is exact up to 5000 points and sampled with the seed above', () => {
    const n = 6000;
    const data = Float32Array.from({ length: n * 2 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const labels = Int32Array.from({ length: n }, (_, i) => (data[i * 2] > 0 ? 1 : 0));
    const byDefault = silhouette(data, 2, labels);
    expect(byDefault).toBe(silhouette(data, 2, labels, { sampleSize: 5000, seed: 0 }));
    expect(byDefault).not.toBe(silhouette(data, 2, labels, { sampleSize: 0 }));
    const small = data.subarray(0, 1000 * 2);
    expect(silhouette(small, 2, labels.subarray(0, 1000))).toBe(
      silhouette(small, 2, labels.subarray(0, 1000), { sampleSize: 0 }),
    );
  });

  it('autoK picks the number of blobs and reports every score', () => {
    const ref = readNamedArrays('clustering/plusplus-separated.arrays');
    const result = autoK(ref.x.values, ref.x.shape[1], { kMin: 2, kMax: 8, nInit: 3 });
    expect(result.bestK).toBe(ref.k.values[0]);
    expect(result.ks).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...result.scores)).toBe(result.scores[result.bestK - 2]);
    expect(() => autoK(ref.x.values, ref.x.shape[1], { kMin: 5, kMax: 3 })).toThrow(
      'kMax must be an integer ≥ 5, got 3',
    );
  });

  it('summaries give sizes, representatives and members closest first', () => {
    const data = [0, 0, 4, 0, 1, 0, 10, 10, 11, 10];
    const s = summarizeClusters(data, 2, { labels: [0, 0, 0, 1, 1], centroids: [5 / 3, 0, 10.5, 10] });
    expect(s.map((c) => c.size)).toEqual([3, 2]);
    expect(s[0].representative).toBe(2);
    expect(Array.from(s[0].members)).toEqual([2, 0, 1]);
  });

  it.each(['d20', 'd512'])('PCA matches numpy SVD up to sign (%s)', (name) => {
    const ref = readNamedArrays(`clustering/pca-${name}.arrays`);
    const [n, dim] = ref.x.shape;
    const pca = pca2d(ref.x.values, dim);
    for (let axis = 0; axis < 2; axis++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += pca.components[axis * dim + j] * ref.components.values[axis * dim + j];
      const sign = Math.sign(dot);
      for (let j = 0; j < dim; j++) {
        expect(Math.abs(pca.components[axis * dim + j] - sign * ref.components.values[axis * dim + j])).toBeLessThan(
          1e-6,
        );
      }
      for (let i = 0; i < n; i++) {
        const want = sign * ref.coords.values[i * 2 + axis];
        expect(Math.abs(pca.coords[i * 2 + axis] - want)).toBeLessThan(1e-4 * (1 + Math.abs(want)));
      }
      expect(pca.explainedVarianceRatio[axis]).toBeCloseTo(ref.explained_ratio.values[axis], 9);
    }
  });
});

describe('clustering an index in place', () => {
  const dim = 16;
  const groups = 4;
  const ids: string[] = [];
  const data: number[] = [];
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < 25; i++) {
      ids.push(`g${g}-${i}`);
      for (let j = 0; j < dim; j++) data.push((j % groups === g ? 5 : 0) + Math.sin(i * 7 + j * 3) * 0.3);
    }
  }

  it.each(['float32', 'int8', 'int8-exact'] as const)('kmeans, autoK, summaries and PCA by id (%s)', (storage) => {
    const index = new EmbeddingIndex(dim, { storage });
    index.addMany(ids, Float32Array.from(data));
    const clustering = index.kmeans(groups, { metric: 'cosine', nInit: 3 });
    expect(clustering.ids).toEqual(ids);
    const byGroup = new Map<string, Set<number>>();
    clustering.ids.forEach((id, row) => {
      const g = String(id).split('-')[0];
      byGroup.set(g, (byGroup.get(g) ?? new Set()).add(clustering.labels[row]));
    });
    expect([...byGroup.values()].every((labels) => labels.size === 1)).toBe(true);
    expect(new Set(clustering.labels).size).toBe(groups);

    const summaries = index.clusterSummaries(clustering, { metric: 'cosine' });
    expect(summaries.map((s) => s.size)).toEqual([25, 25, 25, 25]);
    for (const s of summaries) expect(s.members[0]).toBe(s.representative);

    expect(index.autoK({ kMin: 2, kMax: 6, metric: 'cosine', nInit: 2 }).bestK).toBe(groups);
    const subset = ids.filter((_, i) => i % 2 === 0);
    const some = index.kmeans(2, { ids: subset });
    expect(some.ids).toEqual(subset);
    expect(some.labels.length).toBe(subset.length);
    const map = index.pca2d();
    expect(map.coords.length).toBe(2 * ids.length);
    expect(() => index.kmeans(2, { ids: ['nope'] })).toThrow(new UnknownIdError('id "nope" is not in the index'));
    index.delete();
  });

  it('groups near duplicates', () => {
    const index = new EmbeddingIndex(3);
    index.addMany(['a', 'b', 'c', 'd'], [1, 0, 0, 0, 1, 0, 0.999, 0.04, 0, 0, 0.999, 0.04]);
    expect(index.nearDuplicates(0.99)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
    expect(index.nearDuplicates(0.9999)).toEqual([]);
    expect(() => index.nearDuplicates(1.5)).toThrow(InvalidArgumentError);
    index.delete();
  });
});
