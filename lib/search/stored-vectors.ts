// What the exact and the approximate index share: ids, search options and results, and the
// methods that add, remove, read and cluster stored vectors the same way through either core
// handle.
import { BusyError, check } from '../common/errors.js';
import { checkId, describeType, integerInRange, invalid, toFloat32 } from '../common/validate.js';
import { DEFAULT_PIECE_BYTES, MAX_PIECE_BYTES, type SavePiecesOptions } from './saved-pieces.js';
import type { RawError, RawHits, RawIds, RawRows, RawSaveCursor, WithIds } from '../wasm/raw-module.js';
import {
  autoKOf,
  kmeansOf,
  pcaOf,
  summariesOf,
  umapOf,
  type AutoKOptions,
  type AutoKResult,
  type KMeansOptions,
  type KMeansResult,
  type Metric,
  type Pca2dResult,
  type Umap2dResult,
  type UmapOptions,
} from '../clustering/clustering.js';
import { WasmObject } from '../wasm/wasm-object.js';

/** A caller-chosen item id. `1` and `'1'` are different ids. */
export type Id = number | string;

/** Options of one search. */
export interface SearchOptions {
  /** Only these ids are candidates. Unknown ids throw `UnknownIdError`. */
  filter?: Iterable<Id>;
}

/** Search hits, best first. Ties keep insertion order (the earlier-added id first). */
export interface SearchResult {
  ids: Id[];
  /** Cosine similarity of each id, non-increasing. */
  scores: Float32Array;
}

// All-number ids cross as one Float64Array copy instead of one call per id.
/** @internal */
export function toRawIds(ids: readonly Id[]): RawIds {
  if (ids.every((id) => typeof id === 'number')) return Float64Array.from(ids as number[]);
  return ids.map((id, i) => checkId(id, `id ${i}`));
}

/** @internal The filter of a search as the core reads it. */
export function filterIds(options: SearchOptions): Array<number | string> | undefined {
  return options.filter === undefined ? undefined : [...options.filter].map((id) => checkId(id, 'filter id'));
}

/** @internal */
export function toResults(raw: RawHits, queries: number): SearchResult[] {
  const out: SearchResult[] = [];
  for (let q = 0; q < queries; q++) {
    const from = q * raw.perQuery;
    out.push({
      ids: raw.ids.slice(from, from + raw.perQuery),
      scores: raw.scores.slice(from, from + raw.perQuery),
    });
  }
  return out;
}

/** Which stored items to use; all of them (in storage order) when omitted. */
export interface ItemSelection {
  ids?: Iterable<Id>;
}

/** Results on index data say which item each row is. */
export interface ItemRows {
  /** The item of every row: labels[i] and coords[2i..] belong to ids[i]. */
  ids: Id[];
}

/** A cluster of stored items. */
export interface ItemCluster {
  size: number;
  /** The member closest to the centroid; undefined for an empty cluster. */
  representative: Id | undefined;
  /** Closest to the centroid first. */
  members: Id[];
  /** Distance of each member to the centroid (cosine: 1 − cos). */
  distances: Float32Array;
}

function optionalIds(ids: Iterable<Id> | undefined): RawIds | undefined {
  return ids === undefined ? undefined : toRawIds([...ids]);
}

/** The core handle methods both indexes have. */
export interface RawStoredVectors {
  rows(ids: RawIds | undefined): ({ vectors: Float32Array } & WithIds) | RawError;
  add(ids: RawIds, vectors: Float32Array): RawError | undefined;
  remove(ids: RawIds): RawError | undefined;
  get(id: number | string): { vector: Float32Array } | RawError;
  contains(id: number | string): boolean | RawError;
  nearDuplicates(threshold: number): { groups: Id[][] } | RawError;
  beginSave(): RawSaveCursor;
  delete(): void;
  isDeleted(): boolean;
}

/** Base of `EmbeddingIndex` and `ApproximateIndex`. */
export abstract class StoredVectors<Raw extends RawStoredVectors> extends WasmObject<Raw> {
  #saving = 0;

  /** @internal Another index's core handle (for copies between the two kinds). */
  protected static rawOf<R extends RawStoredVectors>(index: StoredVectors<R>): R {
    return index.raw;
  }

  /** The core handle, for a change: refused while a save in pieces is running. */
  protected get rawToChange(): Raw {
    if (this.#saving > 0) throw new BusyError('the index is being saved; change it once the save has finished');
    return this.raw;
  }

  /** Frees the WebAssembly memory now (refused while a save in pieces is running). */
  override delete(): void {
    if (this.#saving > 0) throw new BusyError('the index is being saved; delete it once the save has finished');
    super.delete();
  }

  /**
   * Hands the saved format (the bytes of `save()`) to `write` piece by piece, awaiting each:
   * no buffer holds more than one piece (`pieceBytes`, default 16 MiB). Until it ends, searches
   * work and changes throw `BusyError`. If `write` or the signal stops it, nothing else happens:
   * where the pieces went is the caller's to discard.
   */
  async saveInPieces(write: (piece: Uint8Array) => unknown, options: SavePiecesOptions = {}): Promise<void> {
    if (typeof write !== 'function') invalid(`write must be a function, got ${describeType(write)}`);
    const pieceBytes = integerInRange(options.pieceBytes ?? DEFAULT_PIECE_BYTES, 1, MAX_PIECE_BYTES, 'pieceBytes');
    options.signal?.throwIfAborted();
    const cursor = this.raw.beginSave();
    this.#saving++;
    try {
      while (!cursor.done()) {
        await write(check(cursor.next(pieceBytes)));
        options.signal?.throwIfAborted();
      }
    } finally {
      this.#saving--;
      cursor.delete();
    }
  }

  /**
   * Writes the saved format to a `WritableStream` (a file from the File System Access API, an
   * upload, Node's `Writable.toWeb(fs.createWriteStream(path))`) piece by piece, then closes
   * it; on failure it aborts the stream. `EmbeddingIndex.loadFrom` / `ApproximateIndex.loadFrom`
   * (or `loadIndexFrom`) read it back.
   */
  async saveTo(stream: WritableStream<Uint8Array>, options: SavePiecesOptions = {}): Promise<void> {
    if (typeof WritableStream === 'undefined' || !(stream instanceof WritableStream))
      invalid(`stream must be a WritableStream, got ${describeType(stream)}`);
    const writer = stream.getWriter();
    try {
      await this.saveInPieces((piece) => writer.write(piece), options);
      await writer.close();
    } catch (error) {
      await writer.abort(error).catch(() => undefined);
      throw error;
    } finally {
      writer.releaseLock();
    }
  }

  /** Adds one vector (dim numbers). Throws `DuplicateIdError` if the id is stored. */
  add(id: Id, vector: ArrayLike<number>): void {
    this.addMany([id], toFloat32(vector, 'vector'));
  }

  /**
   * Adds `ids.length` vectors given back to back in one array (ids.length·dim floats), all or
   * none: on any error nothing is added.
   */
  addMany(ids: readonly Id[], vectors: ArrayLike<number>): void {
    if (!Array.isArray(ids)) invalid(`ids must be an array, got ${describeType(ids)}`);
    check(this.rawToChange.add(toRawIds(ids), toFloat32(vectors, 'vectors')));
  }

  /** Removes ids, all or none: throws `UnknownIdError` and removes nothing if one is unknown. */
  remove(ids: Id | readonly Id[]): void {
    check(this.rawToChange.remove(toRawIds(Array.isArray(ids) ? ids : [ids as Id])));
  }

  /** Whether the id is stored. */
  has(id: Id): boolean {
    return check(this.raw.contains(checkId(id)));
  }

  /** The stored (normalised) vector; where only int8 codes are kept, the dequantised one. */
  get(id: Id): Float32Array {
    return check(this.raw.get(checkId(id))).vector;
  }

  /**
   * The stored (normalised) vectors in one array, `ids.length × dim`, and their ids: all items
   * in storage order, or the ones asked for. Where only int8 codes are
   * kept, the dequantised vectors.
   */
  rows(options: ItemSelection = {}): { ids: Id[]; vectors: Float32Array } {
    const raw = check(this.raw.rows(optionalIds(options.ids)));
    return { ids: raw.ids, vectors: raw.vectors };
  }

  /**
   * KMeans on the stored vectors (all, or `options.ids`), computed where they live: nothing
   * is copied to JS. Int8 codes are clustered dequantised.
   */
  kmeans(k: number, options: KMeansOptions & ItemSelection = {}): KMeansResult & ItemRows {
    return kmeansOf(this.#rows(options.ids), k, options) as KMeansResult & ItemRows;
  }

  /** {@link autoK} on the stored vectors (default k from 2 to 10, cosine recommended). */
  autoK(options: AutoKOptions & ItemSelection = {}): AutoKResult & ItemRows {
    return autoKOf(this.#rows(options.ids), options) as AutoKResult & ItemRows;
  }

  /** Size, representative and members of each cluster of a clustering from `kmeans`/`autoK`. */
  clusterSummaries(
    clustering: Pick<KMeansResult, 'labels' | 'centroids'> & ItemRows,
    options: { metric?: Metric } = {},
  ): ItemCluster[] {
    const summaries = summariesOf(this.#rows(clustering.ids), this.dim, clustering, options.metric);
    const ids = summaries.ids!;
    return summaries.map((s) => ({
      size: s.size,
      representative: s.representative < 0 ? undefined : ids[s.representative],
      members: Array.from(s.members, (row) => ids[row]),
      distances: s.distances,
    }));
  }

  /** A 2-D map (first two principal components) of the stored vectors. Needs 2 or more. */
  pca2d(options: ItemSelection = {}): Pca2dResult & ItemRows {
    return pcaOf(this.#rows(options.ids)) as Pca2dResult & ItemRows;
  }

  /** A UMAP layout of the stored vectors (all, or `options.ids`; at least 3), computed where they live. */
  umap2d(options: UmapOptions & ItemSelection = {}): Umap2dResult & ItemRows {
    return umapOf(this.#rows(options.ids), options) as Umap2dResult & ItemRows;
  }

  abstract get dim(): number;

  /** The stored vectors as clustering rows (all, or these ids), read where they live. */
  protected abstract rowSource(ids: RawIds | undefined): RawRows;

  #rows(ids: Iterable<Id> | undefined): RawRows {
    return this.rowSource(optionalIds(ids));
  }

  /** The core's near-duplicate groups at `threshold`, checked to be a number. */
  protected groupsAbove(threshold: number): Id[][] {
    if (typeof threshold !== 'number' || Number.isNaN(threshold))
      invalid(`threshold must be a number, got ${describeType(threshold)}`);
    return check(this.raw.nearDuplicates(threshold)).groups;
  }
}
