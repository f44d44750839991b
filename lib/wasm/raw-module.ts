// The shape of the Embind module built from bindings/*_bindings.cpp (checked against what they
// register by tests/js/wasm-contract.test.ts). Internal: the public API wraps every one.
import type { RawError } from '../common/errors.js';

export type { RawError };

/** Function-table indices a pool helper calls, and its thread-local block's shape. */
export interface HelperEntryPoints {
  runShare: number;
  setStack: number;
  initTls: number;
  tlsSize: number;
  tlsAlign: number;
}

export interface RawHits {
  ids: Array<number | string>;
  scores: Float32Array;
  perQuery: number;
}

/** A save in pieces (bindings/saved_pieces.h): each `next` is the next bounded piece. */
export interface RawSaveCursor {
  next(maxBytes: number): Uint8Array | RawError;
  done(): boolean;
  delete(): void;
}

/** A load from pieces: `feed` each as it is read, then `finish` makes the index. */
export interface RawLoader<Index> {
  feed(bytes: Uint8Array): RawError | undefined;
  finish(): { index: Index } | RawError;
  delete(): void;
}

export interface RawIndex {
  add(ids: Array<number | string> | Float64Array, vectors: Float32Array): RawError | undefined;
  remove(ids: Array<number | string> | Float64Array): RawError | undefined;
  get(id: number | string): { vector: Float32Array } | RawError;
  contains(id: number | string): boolean | RawError;
  search(
    queries: Float32Array,
    k: number,
    filter: Array<number | string> | undefined,
    batch: boolean,
  ): RawHits | RawError;
  serialize(): Uint8Array | RawError;
  beginSave(): RawSaveCursor;
  rows(ids: RawIds | undefined): ({ vectors: Float32Array } & WithIds) | RawError;
  nearDuplicates(threshold: number): { groups: Array<Array<number | string>> } | RawError;
  size(): number;
  dim(): number;
  storage(): number;
  memoryBytes(): number;
  clear(): void;
  delete(): void;
  isDeleted(): boolean;
}

export type RawIds = Array<number | string> | Float64Array;

export interface RawIvfInfo {
  size: number;
  dim: number;
  lists: number;
  nprobe: number;
  trained: boolean;
  trainedSize: number;
  keepFloats: boolean;
  memoryBytes: number;
}

export interface RawIvfIndex {
  add(ids: RawIds, vectors: Float32Array): RawError | undefined;
  remove(ids: RawIds): RawError | undefined;
  get(id: number | string): { vector: Float32Array } | RawError;
  contains(id: number | string): boolean;
  train(): RawError | undefined;
  search(
    queries: Float32Array,
    k: number,
    nprobe: number,
    filter: Array<number | string> | undefined,
  ): RawHits | RawError;
  serialize(): Uint8Array | RawError;
  beginSave(): RawSaveCursor;
  info(): RawIvfInfo;
  listRows(list: number): ({ vectors: Float32Array } & WithIds) | RawError;
  rows(ids: RawIds | undefined): ({ vectors: Float32Array } & WithIds) | RawError;
  addFromIndex(index: RawIndex): RawError | undefined;
  centroids(): Float32Array;
  nearDuplicates(threshold: number): { groups: Array<Array<number | string>> } | RawError;
  clear(): void;
  delete(): void;
  isDeleted(): boolean;
}

/**
 * Where clustering reads its rows: n × dim values, or an index's stored vectors (all, or the
 * given ids; the result then says which item each row is).
 */
export type RawRows =
  { data: Float32Array; dim: number } | { index: RawIndex; ids?: RawIds } | { approximate: RawIvfIndex; ids?: RawIds };

/** The row order of a clustering on index data: the item of every row. */
export interface WithIds {
  ids: Array<number | string>;
}

/** KMeans options as the core reads them: every field present, enums as numbers. */
export interface RawKMeansOptions {
  init: number;
  initialCentroids?: Float32Array;
  nInit: number;
  maxIter: number;
  tol: number;
  seed: number;
  metric: number;
  miniBatch: number;
}

export interface RawKMeans {
  centroids: Float32Array;
  labels: Int32Array;
  inertia: number;
  iterations: number;
  converged: boolean;
}

export interface RawAutoK {
  ks: Float64Array;
  scores: Float64Array;
  inertias: Float64Array;
  bestK: number;
  best: RawKMeans;
}

export interface RawSummary {
  size: number;
  representative: number;
  members: Uint32Array;
  distances: Float32Array;
}

export interface RawPca {
  coords: Float32Array;
  components: Float64Array;
  mean: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
}

export interface RawTokenizer {
  encode(text: string): Int32Array | RawError;
  encodeBatch(texts: string[], contextLength: number, padId: number): { ids: Int32Array; mask: Int32Array } | RawError;
  tokenId(token: string): number | RawError;
  startId(): number;
  endId(): number;
  vocabSize(): number;
  delete(): void;
}

export interface RawBatchImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
  stride: number;
}

export interface RawPreprocessor {
  resizeBatch(count: number, width: number, height: number): RawError | undefined;
  /**
   * Starts images into slots firstSlot + i on the core's helper threads (after finishing the
   * batch started before) and returns undefined or an error per image, known from the checks.
   */
  startBatch(images: readonly RawBatchImage[], firstSlot: number): Array<RawError | undefined> | RawError;
  /** Waits for the started batches, taking part. */
  finishBatch(): void;
  /** A view of the batch tensor in WASM memory: valid until the next call into the module. */
  batchView(): Float32Array;
  /** A view of the slots already done while the batch started last still runs (no waiting). */
  finishedView(): Float32Array;
  release(): void;
  delete(): void;
}

export interface RawModule {
  createIndex(dim: number, storage: number, rerankPool: number): { index: RawIndex } | RawError;
  deserializeIndex(bytes: Uint8Array): { index: RawIndex } | RawError;
  createIvfIndex(
    dim: number,
    lists: number,
    nprobe: number,
    keepFloats: boolean,
    rerankPool: number,
    seed: number,
  ): { index: RawIvfIndex } | RawError;
  deserializeIvfIndex(bytes: Uint8Array): { index: RawIvfIndex } | RawError;
  IndexLoader: new (totalBytes: number) => RawLoader<RawIndex>;
  IvfLoader: new (totalBytes: number) => RawLoader<RawIvfIndex>;
  kernelName(): string;
  kmeans(rows: RawRows, k: number, options: RawKMeansOptions): (RawKMeans & Partial<WithIds>) | RawError;
  silhouette(
    rows: RawRows,
    labels: Int32Array,
    metric: number,
    sampleSize: number,
    seed: number,
  ): ({ score: number } & Partial<WithIds>) | RawError;
  autoK(
    rows: RawRows,
    kMin: number,
    kMax: number,
    options: RawKMeansOptions,
    sampleSize: number,
  ): (RawAutoK & Partial<WithIds>) | RawError;
  summarizeClusters(
    rows: RawRows,
    labels: Int32Array,
    centroids: Float32Array,
    k: number,
    metric: number,
  ): (RawSummary[] & Partial<WithIds>) | RawError;
  pca2d(rows: RawRows): (RawPca & Partial<WithIds>) | RawError;
  umap2d(
    rows: RawRows,
    neighbours: number,
    epochs: number,
    seed: number,
  ): ({ coords: Float32Array } & Partial<WithIds>) | RawError;
  createPreprocessor(config: object): { preprocessor: RawPreprocessor } | RawError;
  preprocessedSize(config: object, width: number, height: number): [number, number] | RawError;
  createTokenizer(merges: string, mergeCount: number): { tokenizer: RawTokenizer } | RawError;
  normalizeRows(rows: Float32Array, n: number, d: number): { embeddings: Float32Array; rowOk: Uint8Array } | RawError;
  zeroShotProbabilities(
    image: Float32Array,
    texts: Float32Array,
    n: number,
    d: number,
    logitScale: number,
  ): Float32Array | RawError;
  /** Live Embind value handles: constant across calls when nothing leaks. */
  count_emval_handles(): number;
  /** Runs the core's parallel shares on `threads` threads (the pool must be running first). */
  useThreads(threads: number): void;
  /** The thread count the core's parallel loops use now. */
  workerThreads(): number;
  /** Function-table indices of what a pool helper calls (bindings/thread_bindings.cpp). */
  helperEntryPoints(): HelperEntryPoints;
  heapBytesInUse(): number;
}
