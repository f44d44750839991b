// Every error class of the package, and the one place binding error values become them.

/**
 * Base class of every error clipscope throws. `code` names the kind of failure: the class name
 * without "Error" (`InvalidArgumentError` → `'InvalidArgument'`), so no call states it twice.
 */
export class ClipscopeError extends Error {
  // Each subclass names itself explicitly: bundlers minify class names.
  override readonly name: string = 'ClipscopeError';
  readonly #code: string | undefined;
  /** `code` is only for errors whose kind comes from elsewhere (a binding's unknown code). */
  constructor(message: string, code?: string) {
    super(message);
    this.#code = code;
  }
  /** The failure kind, e.g. `'DimensionMismatch'`. */
  get code(): string {
    return this.#code ?? this.name.replace(/Error$/, '');
  }
}

/** A parameter is outside its documented range (k ≤ 0, dimension 0, wrong type, ...). */
export class InvalidArgumentError extends ClipscopeError {
  override readonly name = 'InvalidArgumentError';
}
/** A vector's length does not match the index dimension. */
export class DimensionMismatchError extends ClipscopeError {
  override readonly name = 'DimensionMismatchError';
}
/** A vector holds NaN or Infinity. */
export class NotFiniteError extends ClipscopeError {
  override readonly name = 'NotFiniteError';
}
/** A vector is all zeros, so it has no direction to compare. */
export class ZeroVectorError extends ClipscopeError {
  override readonly name = 'ZeroVectorError';
}
/** An id is already stored, or repeated in one batch. */
export class DuplicateIdError extends ClipscopeError {
  override readonly name = 'DuplicateIdError';
}
/** An id is not stored. */
export class UnknownIdError extends ClipscopeError {
  override readonly name = 'UnknownIdError';
}
/** A search ran on an index without vectors. */
export class EmptyIndexError extends ClipscopeError {
  override readonly name = 'EmptyIndexError';
}
/** Saved index bytes are truncated, altered or not an index. */
export class CorruptDataError extends ClipscopeError {
  override readonly name = 'CorruptDataError';
}
/** Saved index bytes come from a format version this build cannot read. */
export class UnsupportedVersionError extends ClipscopeError {
  override readonly name = 'UnsupportedVersionError';
}
/** An object was used after `delete()`. */
export class DeletedError extends ClipscopeError {
  override readonly name = 'DeletedError';
}
/** An index was changed (or deleted) while a save of it in pieces was running; the save goes on. */
export class BusyError extends ClipscopeError {
  override readonly name = 'BusyError';
}
/** WebAssembly memory (at most 4 GB) could not hold what an operation needed; the message says how much. */
export class OutOfMemoryError extends ClipscopeError {
  override readonly name = 'OutOfMemoryError';
}
/** The WebAssembly core could not be loaded. */
export class LoadError extends ClipscopeError {
  override readonly name = 'LoadError';
}

/** An image that could not be decoded: corrupt, truncated, empty, too large or unsupported. */
export class DecodeError extends ClipscopeError {
  override readonly name = 'DecodeError';
}
/** A model file could not be found, fetched, verified or read. The message names the file. */
export class ModelLoadError extends ClipscopeError {
  override readonly name = 'ModelLoadError';
}
/** A model file's inputs or outputs are not those of a CLIP encoder. */
export class ModelInterfaceError extends ClipscopeError {
  override readonly name = 'ModelInterfaceError';
}
/** Browser storage is missing or refused the operation (private mode, quota, no OPFS). */
export class StorageError extends ClipscopeError {
  override readonly name = 'StorageError';
}

/** An error as the bindings return it: the core's ErrorCode name and its message. */
export interface RawError {
  errorCode: string;
  message: string;
}

const classByCode: Record<string, new (message: string) => ClipscopeError> = {
  InvalidArgument: InvalidArgumentError,
  DimensionMismatch: DimensionMismatchError,
  NotFinite: NotFiniteError,
  ZeroVector: ZeroVectorError,
  DuplicateId: DuplicateIdError,
  UnknownId: UnknownIdError,
  EmptyIndex: EmptyIndexError,
  CorruptData: CorruptDataError,
  UnsupportedVersion: UnsupportedVersionError,
  OutOfMemory: OutOfMemoryError,
};

function isRawError(value: unknown): value is RawError {
  return typeof value === 'object' && value !== null && 'errorCode' in value;
}

/** Throws the typed error for a binding's error object; passes any other value through. */
export function check<T>(value: T | RawError): T {
  if (isRawError(value)) {
    const ErrorClass = classByCode[value.errorCode];
    throw ErrorClass ? new ErrorClass(value.message) : new ClipscopeError(value.message, value.errorCode);
  }
  return value;
}
