// Clustering and maps of embeddings, computed by the WASM core.
import { core } from '../wasm/core.js';
import { check } from '../common/errors.js';
import type { RawAutoK, RawKMeans, RawKMeansOptions, RawPca, RawRows, RawSummary } from '../wasm/raw-module.js';
import { integerAtLeast, invalid, toFloat32 } from '../common/validate.js';

/** Distance for clustering: squared euclidean, or cosine (spherical k-means on unit vectors). */
export type Metric = 'euclidean' | 'cosine';

/** Options of {@link kmeans}. */
export interface KMeansOptions {
  /**
   * `'k-means++'` (default: greedy k-means++ as scikit-learn, 2 + ⌊ln k⌋ local trials),
   * `'random'` (k distinct points) or the initial centroids (k·dim numbers).
   */
  init?: 'k-means++' | 'random' | ArrayLike<number>;
  /** Runs with different seeds; the lowest inertia wins. Default 1. */
  nInit?: number;
  /** Lloyd iterations (mini-batch: passes over the data). Default 300. */
  maxIter?: number;
  /**
   * Stop when the centroids moved less than tol × (mean per-feature variance), summed
   * squared, as scikit-learn. Default 1e-4.
   */
  tol?: number;
  /** Seed of every random choice: same seed, same result, in every browser and natively. Default 0. */
  seed?: number;
  /** Default `'euclidean'`. `'cosine'` normalises points and centroids. */
  metric?: Metric;
  /** Mini-batch k-means with batches of this size (for large n). Default 0: full Lloyd. */
  miniBatch?: number;
}

/** A clustering. */
export interface KMeansResult {
  /** k·dim values: centroid c is `centroids.subarray(c * dim, (c + 1) * dim)`. */
  centroids: Float32Array;
  /** The cluster of each point, in [0, k). */
  labels: Int32Array;
  /** Sum of squared distances to the centroids (cosine: of 1 − cos). */
  inertia: number;
  /** Lloyd iterations run (mini-batch: batches). */
  iterations: number;
  /** Whether it stopped on tol / unchanged labels rather than maxIter. */
  converged: boolean;
}

/** The silhouette score of each k, and the best one. */
export interface AutoKResult {
  ks: number[];
  scores: number[];
  inertias: number[];
  /** Highest silhouette; ties go to the smaller k. */
  bestK: number;
  /** The clustering for bestK. */
  best: KMeansResult;
}

/** One cluster, described. */
export interface ClusterSummary {
  size: number;
  /** Row of the member closest to the centroid; -1 for an empty cluster. */
  representative: number;
  /** Rows of the members, closest to the centroid first. */
  members: Uint32Array;
  /** Distance of each member to the centroid (cosine: 1 − cos). */
  distances: Float32Array;
}

/** A 2-D map of the points by their first two principal components. */
export interface Pca2dResult {
  /** n·2 values: point i is at (coords[2i], coords[2i + 1]). */
  coords: Float32Array;
  /** 2·dim: the two unit axes; each axis's largest |loading| is positive, so signs are stable. */
  components: Float64Array;
  mean: Float64Array;
  explainedVariance: [number, number];
  explainedVarianceRatio: [number, number];
}

const metricCodes: Record<Metric, number> = { euclidean: 0, cosine: 1 };

function metricCode(metric: Metric | undefined): number {
  const m = metric ?? 'euclidean';
  if (!Object.hasOwn(metricCodes, m)) invalid(`metric must be 'euclidean' or 'cosine', got '${m}'`);
  return metricCodes[m];
}

/** Validated options with every default filled in. */
function rawKMeansOptions(options: KMeansOptions): RawKMeansOptions {
  const init = options.init ?? 'k-means++';
  const given = typeof init !== 'string';
  if (!given && init !== 'k-means++' && init !== 'random') {
    invalid(`init must be 'k-means++', 'random' or the initial centroids, got '${init}'`);
  }
  const tol = options.tol ?? 1e-4;
  if (!(tol >= 0)) invalid(`tol must be ≥ 0, got ${tol}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) invalid(`seed must be a safe integer ≥ 0, got ${seed}`);
  return {
    init: given ? 2 : init === 'random' ? 1 : 0,
    initialCentroids: given ? Float32Array.from(init) : undefined,
    nInit: integerAtLeast(options.nInit ?? 1, 1, 'nInit'),
    maxIter: integerAtLeast(options.maxIter ?? 300, 1, 'maxIter'),
    tol,
    seed,
    metric: metricCode(options.metric),
    miniBatch: integerAtLeast(options.miniBatch ?? 0, 0, 'miniBatch'),
  };
}

// Labels as Int32Array; any other value is checked first, since Int32Array.from would wrap
// 2^32 + 1 into 1 and turn 2^31 negative.
function toInt32(values: ArrayLike<number>, what = 'labels'): Int32Array {
  if (values instanceof Int32Array) return values;
  if (!ArrayBuffer.isView(values) && !Array.isArray(values))
    invalid(`${what} must be an Int32Array or an array of integers`);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1)
      invalid(`${what}[${i}] must be an integer from 0 to ${2 ** 31 - 1}, got ${v}`);
    out[i] = v;
  }
  return out;
}

function toKMeans(raw: RawKMeans): KMeansResult {
  return {
    centroids: raw.centroids,
    labels: raw.labels,
    inertia: raw.inertia,
    iterations: raw.iterations,
    converged: raw.converged,
  };
}

function toAutoK(raw: RawAutoK): AutoKResult {
  return {
    ks: Array.from(raw.ks),
    scores: Array.from(raw.scores),
    inertias: Array.from(raw.inertias),
    bestK: raw.bestK,
    best: toKMeans(raw.best),
  };
}

function toSummaries(raw: RawSummary[]): ClusterSummary[] {
  return Array.from(raw, (s) => ({
    size: s.size,
    representative: s.representative,
    members: s.members,
    distances: s.distances,
  }));
}

function toPca(raw: RawPca): Pca2dResult {
  return {
    coords: raw.coords,
    components: raw.components,
    mean: raw.mean,
    explainedVariance: [raw.explainedVariance[0], raw.explainedVariance[1]],
    explainedVarianceRatio: [raw.explainedVarianceRatio[0], raw.explainedVarianceRatio[1]],
  };
}

/**
 * KMeans on `data` (n·dim numbers, row-major). Deterministic for a given seed.
 * Throws `InvalidArgumentError` for k < 1 or k > n, `NotFiniteError` for NaN/Infinity,
 * `DimensionMismatchError` when data or initial centroids do not fit dim.
 */
export function kmeans(data: ArrayLike<number>, dim: number, k: number, options: KMeansOptions = {}): KMeansResult {
  return kmeansOf(arrayRows(data, dim), k, options);
}

// The one clustering path: the functions below take rows from an array or from an index
// alike (`EmbeddingIndex` passes its own, with ids), and the core's one adapter reads them.

/** Rows from an array of n·dim numbers. */
function arrayRows(data: ArrayLike<number>, dim: number): RawRows {
  integerAtLeast(dim, 1, 'dim');
  return { data: toFloat32(data, 'data'), dim };
}

/** @internal */
export function kmeansOf(rows: RawRows, k: number, options: KMeansOptions): KMeansResult & Partial<RowIds> {
  integerAtLeast(k, 1, 'k');
  const raw = check(core().kmeans(rows, k, rawKMeansOptions(options)));
  return { ...toKMeans(raw), ...idsOf(raw) };
}

/** @internal */
export function autoKOf(rows: RawRows, options: AutoKOptions): AutoKResult & Partial<RowIds> {
  const raw = check(core().autoK(rows, ...autoKArgs(options)));
  return { ...toAutoK(raw), ...idsOf(raw) };
}

/** @internal */
export function summariesOf(
  rows: RawRows,
  dim: number,
  clustering: Pick<KMeansResult, 'labels' | 'centroids'>,
  metric: Metric | undefined,
): ClusterSummary[] & Partial<RowIds> {
  const k = clustering.centroids.length / dim;
  const raw = check(
    core().summarizeClusters(
      rows,
      toInt32(clustering.labels),
      toFloat32(clustering.centroids, 'centroids'),
      k,
      metricCode(metric),
    ),
  );
  return Object.assign(toSummaries(raw), idsOf(raw));
}

/** @internal */
export function pcaOf(rows: RawRows): Pca2dResult & Partial<RowIds> {
  const raw = check(core().pca2d(rows));
  return { ...toPca(raw), ...idsOf(raw) };
}

/** Options of a UMAP layout ({@link umap2d}). */
export interface UmapOptions {
  /** Neighbours each point keeps near it, itself included (umap-learn's n_neighbors). Default 15. */
  neighbours?: number;
  /** Passes of gradient descent; 0 or absent: 500 up to 4,096 points, else 200. */
  epochs?: number;
  /** Same seed, same layout (on one platform). Default 0. */
  seed?: number;
}

/** A neighbourhood-preserving 2-D layout. */
export interface Umap2dResult {
  /** n·2 values: point i is at (coords[2i], coords[2i + 1]), centred on 0. */
  coords: Float32Array;
}

/** @internal */
export function umapOf(rows: RawRows, options: UmapOptions = {}): Umap2dResult & Partial<RowIds> {
  const raw = check(core().umap2d(rows, options.neighbours ?? 15, options.epochs ?? 0, options.seed ?? 0));
  return { coords: raw.coords, ...idsOf(raw) };
}

/** The item of every row, for rows that came from an index. */
export interface RowIds {
  ids: Array<number | string>;
}

function idsOf(raw: Partial<RowIds>): Partial<RowIds> {
  return raw.ids ? { ids: raw.ids } : {};
}

/** Above this many points {@link silhouette} scores a seeded sample of this many by default. */
export const SILHOUETTE_EXACT_LIMIT = 5000;

/** Options of {@link silhouette}. */
export interface SilhouetteOptions {
  metric?: Metric;
  /**
   * Score a seeded random subset of this many points; 0 scores all of them (cost n²·dim).
   * Default: all up to 5000 points, else a sample of 5000.
   */
  sampleSize?: number;
  seed?: number;
}

/**
 * Mean silhouette coefficient, as `sklearn.metrics.silhouette_score`: near 1 for tight,
 * well-separated clusters. Exact up to 5000 points, then sampled with the seed (see
 * `sampleSize`). Needs 2 ≤ clusters ≤ n − 1.
 */
export function silhouette(
  data: ArrayLike<number>,
  dim: number,
  labels: ArrayLike<number>,
  options: SilhouetteOptions = {},
): number {
  const rows = arrayRows(data, dim);
  const n = Math.floor(data.length / dim);
  const sample = integerAtLeast(
    options.sampleSize ?? (n > SILHOUETTE_EXACT_LIMIT ? SILHOUETTE_EXACT_LIMIT : 0),
    0,
    'sampleSize',
  );
  const seed = integerAtLeast(options.seed ?? 0, 0, 'seed');
  return check(core().silhouette(rows, toInt32(labels), metricCode(options.metric), sample, seed)).score;
}

/** Options of {@link autoK}: the k range, KMeans options, and the silhouette sample. */
export interface AutoKOptions extends KMeansOptions {
  kMin?: number;
  kMax?: number;
  /** Points scored per k (default 2000; 0: all). */
  sampleSize?: number;
}

function autoKArgs(options: AutoKOptions): [number, number, RawKMeansOptions, number] {
  const kMin = integerAtLeast(options.kMin ?? 2, 2, 'kMin');
  const kMax = integerAtLeast(options.kMax ?? 10, kMin, 'kMax');
  return [kMin, kMax, rawKMeansOptions(options), integerAtLeast(options.sampleSize ?? 2000, 0, 'sampleSize')];
}

/** KMeans for every k in [kMin, kMax] (default 2..10); picks the best silhouette. */
export function autoK(data: ArrayLike<number>, dim: number, options: AutoKOptions = {}): AutoKResult {
  return autoKOf(arrayRows(data, dim), options);
}

/** Size, representative and members (closest first) of each of the k clusters. */
export function summarizeClusters(
  data: ArrayLike<number>,
  dim: number,
  clustering: Pick<KMeansResult, 'labels' | 'centroids'>,
  options: { metric?: Metric } = {},
): ClusterSummary[] {
  return summariesOf(arrayRows(data, dim), dim, clustering, options.metric);
}

/**
 * A UMAP layout of `data` (n·dim numbers, n ≥ 3): each point's nearest neighbours stay near
 * it, as umap-learn lays them out with its defaults. Costs seconds at 10,000 points: see
 * bench/RESULTS.md.
 */
export function umap2d(data: ArrayLike<number>, dim: number, options: UmapOptions = {}): Umap2dResult {
  return umapOf(arrayRows(data, dim), options);
}

/** The first two principal components of `data` (n·dim numbers, n ≥ 2): a 2-D map. */
export function pca2d(data: ArrayLike<number>, dim: number): Pca2dResult {
  return pcaOf(arrayRows(data, dim));
}
