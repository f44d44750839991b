// The approximate index: an inverted file in the core (src/ivf_index.h) for collections too
// large to scan whole on every query — a million photos in one tab.
import { check } from '../common/errors.js';
import { loadPieces, type LoadPiecesOptions, type PieceSource } from './saved-pieces.js';
import { describeType, integerAtLeast, integerInRange, invalid, toFloat32 } from '../common/validate.js';
import { core, init } from '../wasm/core.js';
import { EmbeddingIndex } from './embedding-index.js';
import type { RawIds, RawIvfIndex, RawRows } from '../wasm/raw-module.js';
import {
  filterIds,
  StoredVectors,
  toResults,
  type Id,
  type SearchOptions,
  type SearchResult,
} from './stored-vectors.js';

/** The most lists an approximate index can have. */
export const MAX_LISTS = 65536;

/** Options of a new approximate index. */
export interface ApproximateIndexOptions {
  /** Lists of the inverted file. Default: about √size, chosen at each training. */
  lists?: number;
  /**
   * Lists a query scans. Default: a sixteenth of the lists (at least 1). More lists find more
   * of the true neighbours, slower: bench/RESULTS.md has the curve (recall@10 of 0.95 took 64
   * of 894 lists at a million vectors).
   */
  nprobe?: number;
  /**
   * Keep each vector's float32 copy (4·dim bytes more per vector) so that the best candidates
   * are re-ranked exactly: scores are exact cosines. Default false: re-ranked against the int8
   * codes (scores within about 3·10⁻⁴).
   */
  exactScores?: boolean;
  /** How many int8 candidates are re-ranked. Default max(4·k, 64). */
  rerankPool?: number;
  /** Same seed, same lists. Default 0. */
  seed?: number;
}

/** Options of one approximate search. */
export interface ApproximateSearchOptions extends SearchOptions {
  /** Lists to scan for this query (more: slower, closer to exact). Default: the index's. */
  nprobe?: number;
}

/** What an approximate index holds and how it is split. */
export interface ApproximateIndexInfo {
  size: number;
  dim: number;
  /** Lists of the inverted file (1 while untrained). */
  lists: number;
  /** Lists a query scans by default. */
  nprobe: number;
  trained: boolean;
  /** How many vectors the index held at its last training (0: never trained). */
  trainedSize: number;
  exactScores: boolean;
  /** Bytes of WASM heap held (codes, float copies, ids, lists, centroids): measured, exact. */
  memoryBytes: number;
}

/**
 * An approximate index of embeddings: vectors are split into lists by the nearest of k-means
 * centroids and stored as int8 codes (dim + ~60 bytes per vector: about 570 at 512 dims); a
 * query scans only the `nprobe` lists nearest to it. Same ids, filters, errors and
 * `searchBatch` as {@link EmbeddingIndex}.
 *
 * It needs no separate training step: below 20,000 vectors it is one list scanned whole; it
 * trains itself when it reaches 20,000, again whenever it has grown eight times since, and when
 * the vectors added since the last training sit 25% farther from their lists than the trained
 * ones (once they are a tenth of the collection). `train()` retrains at once.
 */
export class ApproximateIndex extends StoredVectors<RawIvfIndex> {
  static async create(dim: number, options: ApproximateIndexOptions = {}): Promise<ApproximateIndex> {
    await init();
    return new ApproximateIndex(dim, options);
  }

  /** Restores an index from `save()` bytes. Throws `CorruptDataError` / `UnsupportedVersionError`. */
  static async load(bytes: Uint8Array): Promise<ApproximateIndex> {
    await init();
    if (!(bytes instanceof Uint8Array)) invalid('saved index must be a Uint8Array');
    return new ApproximateIndex(check(core().deserializeIvfIndex(bytes)).index);
  }

  /**
   * Restores an index from its saved format read in pieces (as `EmbeddingIndex.loadFrom`): a
   * `ReadableStream`, a `Blob`/`File`, or an (async) iterable of Uint8Array.
   */
  static async loadFrom(source: PieceSource, options: LoadPiecesOptions = {}): Promise<ApproximateIndex> {
    await init();
    const module = core();
    return new ApproximateIndex(await loadPieces((total) => new module.IvfLoader(total), source, options));
  }

  /**
   * A new approximate index holding an exact index's ids and vectors, oldest first (so ties
   * resolve as before), copied a few thousand at a time; the exact index is left as it is.
   * Throws `OutOfMemoryError` (and keeps nothing) when the copy does not fit beside it.
   */
  static fromIndex(index: EmbeddingIndex, options: ApproximateIndexOptions = {}): ApproximateIndex {
    if (!(index instanceof EmbeddingIndex)) invalid(`index must be an EmbeddingIndex, got ${describeType(index)}`);
    const approximate = new ApproximateIndex(index.dim, options);
    const error = approximate.raw.addFromIndex(StoredVectors.rawOf(index));
    if (error) {
      approximate.delete();
      check(error);
    }
    return approximate;
  }

  /** Needs the core loaded (`await init()`); `ApproximateIndex.create` does that for you. */
  constructor(dim: number, options?: ApproximateIndexOptions);
  /** @internal */
  constructor(raw: RawIvfIndex);
  constructor(dimOrRaw: number | RawIvfIndex, options: ApproximateIndexOptions = {}) {
    const isRaw =
      typeof dimOrRaw === 'object' && dimOrRaw !== null && typeof (dimOrRaw as RawIvfIndex).isDeleted === 'function';
    if (!isRaw && typeof dimOrRaw !== 'number') invalid(`dimension must be a number, got ${describeType(dimOrRaw)}`);
    super(isRaw ? (dimOrRaw as RawIvfIndex) : createRaw(dimOrRaw as number, options), 'ApproximateIndex');
  }

  get dim(): number {
    return this.raw.info().dim;
  }

  get size(): number {
    return this.raw.info().size;
  }

  get memoryBytes(): number {
    return this.raw.info().memoryBytes;
  }

  info(): ApproximateIndexInfo {
    const { keepFloats, ...rest } = this.raw.info();
    return { ...rest, exactScores: keepFloats };
  }

  /** Trains the lists on the stored vectors now and redistributes them. */
  train(): void {
    check(this.rawToChange.train());
  }

  /**
   * The k most similar stored vectors found in the `nprobe` nearest lists. With a filter the
   * listed ids are scored directly (all of them, not only those in the probed lists).
   */
  search(query: ArrayLike<number>, k: number, options: ApproximateSearchOptions = {}): SearchResult {
    return this.#search(toFloat32(query, 'query'), k, options)[0];
  }

  /** `search` for many queries given back to back (count·dim floats). */
  searchBatch(queries: ArrayLike<number>, k: number, options: ApproximateSearchOptions = {}): SearchResult[] {
    return this.#search(toFloat32(queries, 'queries'), k, options);
  }

  #search(queries: Float32Array, k: number, options: ApproximateSearchOptions): SearchResult[] {
    integerAtLeast(k, 1, 'k');
    const nprobe = options.nprobe === undefined ? 0 : integerInRange(options.nprobe, 1, MAX_LISTS, 'nprobe');
    const raw = check(this.raw.search(queries, k, nprobe, filterIds(options)));
    return toResults(raw, Math.floor(queries.length / this.dim));
  }

  /**
   * Groups of items whose cosine similarity is ≥ threshold, linked transitively (as
   * {@link EmbeddingIndex.nearDuplicates}), from pairs within each list and its two nearest
   * lists: far fewer than n²/2, and all but a sliver of the exact pairs (bench/RESULTS.md).
   * Scores are exact with `exactScores`, else within about 3·10⁻⁴.
   */
  nearDuplicates(threshold: number): Id[][] {
    return this.groupsAbove(threshold);
  }

  /**
   * The members of inverted list `list` (0 ≤ list < `info().lists`): ids and vectors (float32
   * copies with `exactScores`, else the dequantised codes), for exports list by list.
   */
  listRows(list: number): { ids: Id[]; vectors: Float32Array } {
    integerInRange(list, 0, this.raw.info().lists - 1, 'list');
    const raw = check(this.raw.listRows(list));
    return { ids: raw.ids, vectors: raw.vectors };
  }

  /** @internal The stored vectors (dequantised codes, or float copies) as clustering rows. */
  protected rowSource(ids: RawIds | undefined): RawRows {
    return { approximate: this.raw, ids };
  }

  /** The lists' centroids (lists·dim unit floats); empty while untrained. */
  centroids(): Float32Array {
    return this.raw.centroids();
  }

  /** The index in clipscope's versioned, checksummed format; `ApproximateIndex.load` reads it. */
  save(): Uint8Array {
    return check(this.raw.serialize());
  }

  clear(): void {
    this.rawToChange.clear();
  }
}

function createRaw(dim: number, options: ApproximateIndexOptions): RawIvfIndex {
  if (typeof options !== 'object' || options === null)
    invalid(`options must be an object, got ${describeType(options)}`);
  integerAtLeast(dim, 1, 'dimension');
  const lists = options.lists === undefined ? 0 : integerInRange(options.lists, 1, MAX_LISTS, 'lists');
  const nprobe = options.nprobe === undefined ? 0 : integerInRange(options.nprobe, 1, MAX_LISTS, 'nprobe');
  const pool = integerAtLeast(options.rerankPool ?? 0, 0, 'rerankPool');
  const seed = integerInRange(options.seed ?? 0, 0, 2 ** 32 - 1, 'seed');
  if (options.exactScores !== undefined && typeof options.exactScores !== 'boolean')
    invalid(`exactScores must be a boolean, got ${describeType(options.exactScores)}`);
  return check(core().createIvfIndex(dim, lists, nprobe, options.exactScores ?? false, pool, seed)).index;
}
