// Checks on values before they cross into WASM, with messages that state what was given.
import { InvalidArgumentError } from './errors.js';

export function invalid(message: string): never {
  throw new InvalidArgumentError('InvalidArgument', message);
}

export function integerAtLeast(value: number, min: number, name: string): number {
  if (!Number.isInteger(value) || value < min) invalid(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/** The values as a Float32Array: passed through when they already are one. */
export function toFloat32(values: ArrayLike<number>, what: string): Float32Array {
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values) || Array.isArray(values)) return Float32Array.from(values as ArrayLike<number>);
  return invalid(`${what} must be a Float32Array or an array of numbers`);
}
