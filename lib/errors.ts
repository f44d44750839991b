import type { RawError } from './raw-module.js';

/** Base class of every error clipscope throws; `code` names the kind of failure. */
export class ClipscopeError extends Error {
  /** The failure kind, e.g. `'DimensionMismatch'`. */
  readonly code: string;
  // Each subclass names itself explicitly: bundlers minify class names.
  override readonly name: string = 'ClipscopeError';
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
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
/** WebAssembly memory (at most 4 GB) could not hold what an operation needed; the message says how much. */
export class OutOfMemoryError extends ClipscopeError {
  override readonly name = 'OutOfMemoryError';
}
/** The WebAssembly core could not be loaded. */
export class LoadError extends ClipscopeError {
  override readonly name = 'LoadError';
}

const classByCode: Record<string, new (code: string, message: string) => ClipscopeError> = {
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
    const ErrorClass = classByCode[value.errorCode] ?? ClipscopeError;
    throw new ErrorClass(value.errorCode, value.message);
  }
  return value;
}
