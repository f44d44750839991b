// The embedding index: exact cosine search over vectors held in WASM memory, and clustering where they live.
import { core, init } from '../wasm/core.js';
import { check } from '../common/errors.js';
import { loadPieces, type LoadPiecesOptions, type PieceSource } from './saved-pieces.js';
import type { RawIds, RawIndex, RawRows } from '../wasm/raw-module.js';
import { describeType, integerAtLeast, invalid, toFloat32 } from '../common/validate.js';
import {
  filterIds,
  StoredVectors,
  toResults,
  type Id,
  type SearchOptions,
  type SearchResult,
} from './stored-vectors.js';

export type { Id, ItemCluster, ItemRows, ItemSelection, SearchOptions, SearchResult } from './stored-vectors.js';

/**
 * How vectors are stored (bytes per vector of dimension d, besides the id):
 * - `'float32'` (4·d): exact scores.
 * - `'int8-exact'` (5·d + 4): scans int8 codes (a quarter of the memory traffic, ≥ 2× faster)
 *   and re-ranks the best candidates with the kept float32 vectors: exact scores.
 * - `'int8'` (d + 4, 4× less memory): re-ranks against the int8 codes, so scores carry the
 *   quantisation error (about 3·10⁻⁴ at d = 512) and close neighbours may swap.
 */
export type StorageType = 'float32' | 'int8' | 'int8-exact';

/** Options of a new index. */
export interface IndexOptions {
  /** Default `'float32'`. */
  storage?: StorageType;
  /**
   * Int8 storages: how many int8 candidates are re-scored with the float32 query.
   * Default: max(4·k, 64).
   */
  rerankPool?: number;
}

const storageCodes: Record<StorageType, number> = { float32: 0, int8: 1, 'int8-exact': 2 };
const storageNames: StorageType[] = ['float32', 'int8', 'int8-exact'];

function createRawIndex(dim: number, options: IndexOptions): RawIndex {
  const storage = options.storage ?? 'float32';
  if (!Object.hasOwn(storageCodes, storage)) {
    invalid(`storage must be 'float32', 'int8' or 'int8-exact', got '${storage}'`);
  }
  const pool = integerAtLeast(options.rerankPool ?? 0, 0, 'rerankPool');
  integerAtLeast(dim, 1, 'dimension');
  return check(core().createIndex(dim, storageCodes[storage], pool)).index;
}

function checkK(k: number): void {
  integerAtLeast(k, 1, 'k');
}

/**
 * An index of embeddings searched by cosine similarity, held in WebAssembly memory.
 * Vectors are L2-normalised on insert. Call `delete()` when done to free its memory at once
 * (otherwise it is freed when garbage-collected).
 *
 * Memory per vector: see {@link StorageType}, plus the id and about 85 bytes of
 * bookkeeping (`memoryBytes` reports the total, measured exactly).
 */
export class EmbeddingIndex extends StoredVectors<RawIndex> {
  /** Creates an index after loading the core if needed. */
  static async create(dim: number, options: IndexOptions = {}): Promise<EmbeddingIndex> {
    await init();
    return new EmbeddingIndex(dim, options);
  }

  /** Restores an index from `save()` bytes. Throws `CorruptDataError` / `UnsupportedVersionError`. */
  static async load(bytes: Uint8Array): Promise<EmbeddingIndex> {
    await init();
    if (!(bytes instanceof Uint8Array)) {
      invalid('saved index must be a Uint8Array');
    }
    return new EmbeddingIndex(check(core().deserializeIndex(bytes)).index);
  }

  /**
   * Restores an index from its saved format read in pieces (`saveTo`, `saveInPieces`, or a file
   * written by `save()`): a `ReadableStream`, a `Blob`/`File`, or an (async) iterable of
   * Uint8Array such as a Node file stream. No buffer holds more than one piece. Throws
   * `CorruptDataError` saying where the data ends or what is wrong.
   */
  static async loadFrom(source: PieceSource, options: LoadPiecesOptions = {}): Promise<EmbeddingIndex> {
    await init();
    const module = core();
    return new EmbeddingIndex(await loadPieces((total) => new module.IndexLoader(total), source, options));
  }

  /** Needs the core loaded (`await init()`); `EmbeddingIndex.create` does that for you. */
  constructor(dim: number, options?: IndexOptions);
  /** @internal */
  constructor(raw: RawIndex);
  constructor(dimOrRaw: number | RawIndex, options: IndexOptions = {}) {
    const isRaw =
      typeof dimOrRaw === 'object' && dimOrRaw !== null && typeof (dimOrRaw as RawIndex).isDeleted === 'function';
    if (!isRaw && typeof dimOrRaw !== 'number') invalid(`dimension must be a number, got ${describeType(dimOrRaw)}`);
    if (typeof options !== 'object' || options === null)
      invalid(`options must be an object, got ${describeType(options)}`);
    super(isRaw ? (dimOrRaw as RawIndex) : createRawIndex(dimOrRaw as number, options), 'EmbeddingIndex');
  }

  /** Floats per vector. */
  get dim(): number {
    return this.raw.dim();
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.raw.size();
  }

  get storage(): StorageType {
    return storageNames[this.raw.storage()];
  }

  /** Bytes of WASM heap the index holds (vectors, ids, lookup table, malloc's headers): measured, exact. */
  get memoryBytes(): number {
    return this.raw.memoryBytes();
  }

  /**
   * The k most similar stored vectors to `query` (dim numbers; normalised for you).
   * Returns min(k, candidates) hits.
   */
  search(query: ArrayLike<number>, k: number, options: SearchOptions = {}): SearchResult {
    checkK(k);
    const raw = check(this.raw.search(toFloat32(query, 'query'), k, filterIds(options), false));
    return toResults(raw, 1)[0];
  }

  /**
   * `search` for many queries given back to back (count·dim floats), computed in one
   * cache-blocked pass over the stored vectors. Same hits and scores as separate searches.
   */
  searchBatch(queries: ArrayLike<number>, k: number, options: SearchOptions = {}): SearchResult[] {
    checkK(k);
    const floats = toFloat32(queries, 'queries');
    const raw = check(this.raw.search(floats, k, filterIds(options), true));
    return toResults(raw, Math.floor(floats.length / this.dim));
  }

  /** @internal The stored vectors as clustering rows, read in WASM (not copied to JS). */
  protected rowSource(ids: RawIds | undefined): RawRows {
    return { index: this.raw, ids };
  }

  /**
   * Groups of items whose cosine similarity is ≥ threshold, linked transitively; only groups of
   * two or more, members and groups in insertion order. Exact all-pairs: n²/2 dot products.
   */
  nearDuplicates(threshold: number): Id[][] {
    return this.groupsAbove(threshold);
  }

  /** The index in clipscope's versioned binary format; `EmbeddingIndex.load` reads it. */
  save(): Uint8Array {
    return check(this.raw.serialize());
  }

  /** Removes every vector and returns their memory. */
  clear(): void {
    this.rawToChange.clear();
  }
}
