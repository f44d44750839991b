// What the exact and the approximate index share: ids, search options and results, and the
// methods that add, remove and read stored vectors the same way through either core handle.
import { check } from '../common/errors.js';
import { checkId, describeType, invalid, toFloat32 } from '../common/validate.js';
import type { RawError, RawHits, RawIds } from '../wasm/raw-module.js';
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

/** The core handle methods both indexes have. */
interface RawStoredVectors {
  add(ids: RawIds, vectors: Float32Array): RawError | undefined;
  remove(ids: RawIds): RawError | undefined;
  get(id: number | string): { vector: Float32Array } | RawError;
  contains(id: number | string): boolean | RawError;
  nearDuplicates(threshold: number): { groups: Id[][] } | RawError;
  delete(): void;
  isDeleted(): boolean;
}

/** Base of `EmbeddingIndex` and `ApproximateIndex`. */
export abstract class StoredVectors<Raw extends RawStoredVectors> extends WasmObject<Raw> {
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
    check(this.raw.add(toRawIds(ids), toFloat32(vectors, 'vectors')));
  }

  /** Removes ids, all or none: throws `UnknownIdError` and removes nothing if one is unknown. */
  remove(ids: Id | readonly Id[]): void {
    check(this.raw.remove(toRawIds(Array.isArray(ids) ? ids : [ids as Id])));
  }

  /** Whether the id is stored. */
  has(id: Id): boolean {
    return check(this.raw.contains(checkId(id)));
  }

  /** The stored (normalised) vector; where only int8 codes are kept, the dequantised one. */
  get(id: Id): Float32Array {
    return check(this.raw.get(checkId(id))).vector;
  }

  /** The core's near-duplicate groups at `threshold`, checked to be a number. */
  protected groupsAbove(threshold: number): Id[][] {
    if (typeof threshold !== 'number' || Number.isNaN(threshold))
      invalid(`threshold must be a number, got ${describeType(threshold)}`);
    return check(this.raw.nearDuplicates(threshold)).groups;
  }
}
