// The shape of the Embind module built from bindings/clipscope_bindings.cpp. Internal: the
// public API wraps every one of these.

/** An error as the bindings return it: the core's ErrorCode name and its message. */
export interface RawError {
  errorCode: string;
  message: string;
}

export interface RawHits {
  ids: Array<number | string>;
  scores: Float32Array;
  perQuery: number;
}

export interface RawIndex {
  add(ids: Array<number | string> | Float64Array, vectors: Float32Array): RawError | undefined;
  remove(ids: Array<number | string> | Float64Array): RawError | undefined;
  get(id: number | string): { vector: Float32Array } | RawError;
  contains(id: number | string): boolean;
  search(
    queries: Float32Array,
    k: number,
    filter: Array<number | string> | undefined,
    batch: boolean,
  ): RawHits | RawError;
  serialize(): Uint8Array;
  size(): number;
  dim(): number;
  storage(): number;
  memoryBytes(): number;
  clear(): void;
  delete(): void;
  isDeleted(): boolean;
}

export interface RawModule {
  createIndex(dim: number, storage: number, rerankPool: number): { index: RawIndex } | RawError;
  deserializeIndex(bytes: Uint8Array): { index: RawIndex } | RawError;
  kernelName(): string;
  /** Live Embind value handles: constant across calls when nothing leaks. */
  count_emval_handles(): number;
  HEAP8: Int8Array;
}
