// The UMAP layout in WASM: on clustered embeddings each point's nearest points in the map come
// from its own cluster and the map's trustworthiness (scikit-learn's measure, k = 10) is high;
// straight from an index with its ids; bad input refused by name.
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, InvalidArgumentError, NotFiniteError, init } from '../../dist/index.js';
import { umap2d } from '../../dist/advanced.js';
import { rng } from './helpers.js';

await init();

// `clusters` groups of unit vectors around random centres, as embeddings of a photo collection.
function clustered(clusters: number, per: number, dim: number, seed: number): Float32Array {
  const next = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, normal));
  const out = new Float32Array(clusters * per * dim);
  for (let c = 0; c < clusters; c++) {
    for (let p = 0; p < per; p++) {
      const row = centres[c].map((v) => v + 0.35 * normal());
      const norm = Math.hypot(...row);
      out.set(
        row.map((v) => v / norm),
        (c * per + p) * dim,
      );
    }
  }
  return out;
}

// sklearn.manifold.trustworthiness: how many of each point's k nearest in the map were not
// among its nearest in the data, penalised by how far they were there.
function trustworthiness(x: Float32Array, y: Float32Array, n: number, dim: number, k: number): number {
  const rankIn = (points: Float32Array, d: number, i: number) => {
    const distances = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let c = 0; c < d; c++) s += (points[i * d + c] - points[j * d + c]) ** 2;
      return [s, j] as const;
    }).filter(([, j]) => j !== i);
    distances.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return distances.map(([, j]) => j);
  };
  let penalty = 0;
  for (let i = 0; i < n; i++) {
    const dataOrder = rankIn(x, dim, i);
    const rank = new Map(dataOrder.map((j, r) => [j, r + 1]));
    for (const j of rankIn(y, 2, i).slice(0, k)) penalty += Math.max(0, rank.get(j)! - k);
  }
  return 1 - (2 / (n * k * (2 * n - 3 * k - 1))) * penalty;
}

describe('umap2d', () => {
  const clusters = 6;
  const per = 60;
  const dim = 64;
  const n = clusters * per;
  const x = clustered(clusters, per, dim, 7);

  it('keeps clusters together and neighbours near: high trustworthiness', () => {
    const { coords } = umap2d(x, dim);
    expect(coords).toHaveLength(2 * n);
    let same = 0;
    for (let i = 0; i < n; i++) {
      const near = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .sort(
          (a, b) =>
            Math.hypot(coords[2 * a] - coords[2 * i], coords[2 * a + 1] - coords[2 * i + 1]) -
            Math.hypot(coords[2 * b] - coords[2 * i], coords[2 * b + 1] - coords[2 * i + 1]),
        )
        .slice(0, 10);
      same += near.filter((j) => Math.floor(j / per) === Math.floor(i / per)).length;
    }
    expect(same / (10 * n)).toBeGreaterThan(0.99);
    expect(trustworthiness(x, coords, n, dim, 10)).toBeGreaterThan(0.9);
    // Same seed, same map; another seed, another map.
    expect(umap2d(x, dim).coords).toEqual(coords);
    expect(umap2d(x, dim, { seed: 1 }).coords).not.toEqual(coords);
  });

  it('lays out an index where it lives, with its ids', async () => {
    const index = await EmbeddingIndex.create(dim);
    index.addMany(
      Array.from({ length: n }, (_, i) => `photo-${i}`),
      x,
    );
    const layout = index.umap2d({ ids: ['photo-0', 'photo-1', 'photo-2', 'photo-200'] });
    expect(layout.ids).toEqual(['photo-0', 'photo-1', 'photo-2', 'photo-200']);
    expect(layout.coords).toHaveLength(8);
    const all = index.umap2d();
    expect(all.ids).toHaveLength(n);
    index.delete();
  });

  it('refuses bad input by name', () => {
    expect(() => umap2d(new Float32Array(4), 2)).toThrow(
      new InvalidArgumentError('a UMAP layout needs at least 3 points, got 2'),
    );
    expect(() => umap2d(x, dim, { neighbours: 1 })).toThrow('neighbours must be');
    expect(() => umap2d(x, dim, { epochs: 9000 })).toThrow('epochs must be');
    const bad = x.slice(0, 10 * dim);
    bad[5] = Number.NaN;
    expect(() => umap2d(bad, dim)).toThrow(NotFiniteError);
  });
});
