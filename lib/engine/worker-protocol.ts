// Messages between a page and the clipscope Worker, and errors across the boundary.
import * as errors from '../common/errors.js';
import type { EmbeddingIndex } from '../search/embedding-index.js';
import type { ApproximateIndex } from '../search/approximate-index.js';
import type { Clipscope } from './clipscope.js';

/** page → worker: a call (`call` numbers it) or the cancel of one. */
export type Request =
  { type: 'call'; call: number; method: string; args: unknown[] } | { type: 'cancel'; call: number; reason: string };

/** worker → page: progress of a call, its result or its error. */
export type Reply =
  { call: number; progress: unknown } | { call: number; result: unknown } | { call: number; error: SerializedError };

export interface SerializedError {
  name: string;
  code?: string;
  message: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof errors.ClipscopeError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error || error instanceof DOMException) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

const classes: Record<string, new (message: string, code?: string) => errors.ClipscopeError> = {
  ...Object.fromEntries(
    Object.entries(errors).filter(([, value]) => typeof value === 'function' && value.prototype instanceof Error),
  ),
  ClipscopeError: errors.ClipscopeError,
} as Record<string, new (message: string, code?: string) => errors.ClipscopeError>;

/** The error as the page should see it: the same class, code and message. */
export function deserializeError(error: SerializedError): Error {
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  const ErrorClass = error.code !== undefined ? classes[error.name] : undefined;
  if (ErrorClass) return new ErrorClass(error.message, error.code);
  const plain = new Error(error.message);
  plain.name = error.name;
  return plain;
}

/** The ArrayBuffers inside a result, to transfer instead of copy. */
export function transferablesOf(value: unknown, out: Transferable[] = [], depth = 0): Transferable[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
    return out;
  }
  for (const item of Array.isArray(value) ? value : Object.values(value)) transferablesOf(item, out, depth + 1);
  return out;
}

type WithFailures<E> = { failures?: Array<{ error: E }> };

/** Errors inside a result's `failures` list, made cloneable (the class would be lost). */
export function serializeFailures<T>(result: T): T {
  const failures = (result as WithFailures<unknown>)?.failures;
  if (!Array.isArray(failures)) return result;
  return { ...result, failures: failures.map((f) => ({ ...f, error: serializeError(f.error) })) };
}

/** The page side of serializeFailures: each failure's error with its class again. */
export function deserializeFailures<T>(result: T): T {
  const failures = (result as WithFailures<SerializedError>)?.failures;
  if (!Array.isArray(failures)) return result;
  return { ...result, failures: failures.map((f) => ({ ...f, error: deserializeError(f.error) })) };
}

/** The index methods the page may call in the Worker, stated once for both sides. */
export const INDEX_METHODS = [
  'get',
  'has',
  'rows',
  'addMany',
  'remove',
  'search',
  'searchBatch',
  'kmeans',
  'autoK',
  'pca2d',
  'nearDuplicates',
  'save',
  'clear',
] as const satisfies ReadonlyArray<keyof EmbeddingIndex & keyof ApproximateIndex>;

/** One of {@link INDEX_METHODS}. */
export type IndexMethod = (typeof INDEX_METHODS)[number];

/**
 * The engine methods the Worker serves, stated once: `worker-main.ts` dispatches them to a
 * {@link Clipscope}, `ClipscopeWorker` gets one proxy method for each.
 */
export const ENGINE_METHODS = [
  'addImages',
  'embedImages',
  'embedTexts',
  'searchByText',
  'searchByImage',
  'search',
  'nameClusters',
  'useVocabulary',
  'classify',
  'cluster',
  'map',
  'nearDuplicates',
  'save',
  'load',
  'indexInfo',
] as const satisfies ReadonlyArray<keyof Clipscope>;

/** One of {@link ENGINE_METHODS}. */
export type EngineMethod = (typeof ENGINE_METHODS)[number];

/** The methods whose second argument is an embedding run's options (signal and progress). */
export type RunMethod = 'addImages' | 'embedImages';
export const RUN_METHODS: ReadonlySet<EngineMethod> = new Set<RunMethod>(['addImages', 'embedImages']);
