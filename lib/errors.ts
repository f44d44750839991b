import type { RawError } from './raw-module.js';

/** Base class of every error clipscope throws; `code` names the kind of failure. */
export class ClipscopeError extends Error {
  /** The failure kind, e.g. `'DimensionMismatch'`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A parameter is outside its documented range (k ≤ 0, dimension 0, wrong type, ...). */
export class InvalidArgumentError extends ClipscopeError {}
/** A vector's length does not match the index dimension. */
export class DimensionMismatchError extends ClipscopeError {}
/** A vector holds NaN or Infinity. */
export class NotFiniteError extends ClipscopeError {}
/** A vector is all zeros, so it has no direction to compare. */
export class ZeroVectorError extends ClipscopeError {}
/** An id is already stored, or repeated in one batch. */
export class DuplicateIdError extends ClipscopeError {}
/** An id is not stored. */
export class UnknownIdError extends ClipscopeError {}
/** A search ran on an index without vectors. */
export class EmptyIndexError extends ClipscopeError {}
/** Saved index bytes are truncated, altered or not an index. */
export class CorruptDataError extends ClipscopeError {}
/** Saved index bytes come from a format version this build cannot read. */
export class UnsupportedVersionError extends ClipscopeError {}
/** An object was used after `delete()`. */
export class DeletedError extends ClipscopeError {}
/** The WebAssembly core could not be loaded. */
export class LoadError extends ClipscopeError {}

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
