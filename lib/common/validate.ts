// Checks on values before they cross into WASM, with messages that state what was given.
import { InvalidArgumentError } from './errors.js';

export function invalid(message: string): never {
  throw new InvalidArgumentError(message);
}

export function integerAtLeast(value: number, min: number, name: string): number {
  if (typeof value !== 'number') invalid(`${name} must be a number, got ${describeType(value)}`);
  if (!Number.isInteger(value) || value < min) invalid(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/** The values as a Float32Array: passed through when they already are one. */
export function toFloat32(values: ArrayLike<number>, what: string): Float32Array {
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values) || Array.isArray(values)) return Float32Array.from(values as ArrayLike<number>);
  return invalid(`${what} must be a Float32Array or an array of numbers`);
}

/** Longest string id, in UTF-16 units (file paths are far shorter). */
export const MAX_ID_LENGTH = 65536;
/** Longest text the tokenizer takes, in UTF-16 units. */
export const MAX_TEXT_LENGTH = 1 << 24;

// A UTF-16 surrogate without its partner: not a character, so it has no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * An id as the caller gave it: a number, or a string of well-formed Unicode. A lone surrogate
 * is refused rather than replaced, since a replaced id would no longer be the caller's id
 * (`'\uD800'` and `'\uFFFD'` would collide).
 */
export function checkId(id: unknown, what = 'id'): number | string {
  if (typeof id === 'number') return id;
  if (typeof id !== 'string') return invalid(`${what} must be a number or a string, got ${describeType(id)}`);
  if (id.length > MAX_ID_LENGTH) invalid(`${what} is ${id.length} characters long; ids are at most ${MAX_ID_LENGTH}`);
  const lone = LONE_SURROGATE.exec(id);
  if (lone) {
    invalid(
      `${what} ${JSON.stringify(id.slice(0, 40))} holds a lone UTF-16 surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) at ${lone.index}: ids must be well-formed Unicode`,
    );
  }
  return id;
}

/** Text for the tokenizer: lone surrogates become U+FFFD, as TextEncoder does, one for one. */
export function wellFormedText(text: unknown, what = 'text'): string {
  if (typeof text !== 'string') return invalid(`${what} must be a string, got ${describeType(text)}`);
  if (text.length > MAX_TEXT_LENGTH)
    invalid(`${what} is ${text.length} characters long; texts are at most ${MAX_TEXT_LENGTH}`);
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\uFFFD') : text;
}

/** A plain description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    if (!name || name === 'Object') return 'an object';
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`;
}

/** A number that must be an integer in [min, max]. */
export function integerInRange(value: unknown, min: number, max: number, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(
      `${name} must be an integer from ${min} to ${max}, got ${typeof value === 'number' ? value : describeType(value)}`,
    );
  }
  return value as number;
}
