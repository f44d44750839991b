// Finding, fetching and caching the files of a CLIP model in the Hugging Face / Transformers.js
// repository layout: onnx/{vision,text}_model{,_quantized,_fp16}.onnx, preprocessor_config.json,
// config.json and tokenizer.json (or vocab.json + merges.txt).
import { withinTime } from '../common/time-limit.js';
import { throwIfAborted } from '../common/abort.js';
import { ModelLoadError } from '../common/errors.js';
import { importNodeOnly } from '../common/node-only.js';

/** The default model: openai's CLIP ViT-B/32 as converted to ONNX for Transformers.js. */
export const DEFAULT_MODEL_URL = 'https://huggingface.co/Xenova/clip-vit-base-patch32/resolve/main/';
/** Name of the Cache Storage bucket holding downloaded model files. */
export const MODEL_CACHE_NAME = 'clipscope-models-v1';

/** Which weights to load: `onnx/vision_model.onnx`, `_quantized.onnx` or `_fp16.onnx`. */
export type ModelDtype = 'fp32' | 'quantized' | 'fp16';

/**
 * Where a model's files are: a base URL (remote, fetched with progress and cached), a folder
 * path or file: URL in Node, or files the user picked (a FileList, File[] with their relative
 * paths, or a record of repository path → bytes).
 */
export type ModelSource =
  string | URL | FileList | readonly File[] | Readonly<Record<string, ArrayBuffer | Uint8Array | Blob>>;

/** Expected size and/or SHA-256 (hex) of files, by repository path (`onnx/vision_model.onnx`). */
export type ModelManifest = Readonly<Record<string, { size?: number; sha256?: string }>>;

/** Download progress of one file. `total` is undefined when the server does not say. */
export interface DownloadProgress {
  file: string;
  loaded: number;
  total: number | undefined;
  /** The file came from the offline cache (no network). */
  fromCache: boolean;
}

/** Options of reading model files. */
export interface FetchOptions {
  manifest?: ModelManifest;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Store remote files in Cache Storage and read them from there first. Default true. */
  cache?: boolean;
}

/** Reads files of one model by repository path. */
export interface ModelFiles {
  /** A description of the source for messages ("https://…/", "/models/clip", "picked files"). */
  readonly label: string;
  /** Files come over the network (each probe costs a request). */
  readonly remote: boolean;
  /** The file's bytes, or undefined if the source has no such file (404 / not picked). */
  read(path: string, options?: FetchOptions): Promise<Uint8Array | undefined>;
}

async function verify(path: string, bytes: Uint8Array, manifest: ModelManifest | undefined): Promise<void> {
  const expected = manifest?.[path];
  if (!expected) return;
  if (expected.size !== undefined && expected.size !== bytes.length) {
    throw new ModelLoadError(`${path} has ${bytes.length} bytes, the manifest says ${expected.size}`);
  }
  if (expected.sha256 !== undefined) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== expected.sha256.toLowerCase()) {
      throw new ModelLoadError(`${path} has SHA-256 ${hex}, the manifest says ${expected.sha256.toLowerCase()}`);
    }
  }
}

// Reads a response body chunk by chunk so progress can be reported and the download cancelled.
async function readBody(response: Response, file: string, options: FetchOptions): Promise<Uint8Array> {
  const header = response.headers.get('Content-Length');
  const total = header !== null && response.headers.get('Content-Encoding') === null ? Number(header) : undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  options.onProgress?.({ file, loaded, total, fromCache: false });
  try {
    for (;;) {
      throwIfAborted(options.signal);
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      options.onProgress?.({ file, loaded, total, fromCache: false });
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (options.signal?.aborted) throw options.signal.reason;
    throw new ModelLoadError(`download of ${file} broke off after ${loaded} bytes: ${String(error)}`);
  }
  if (total !== undefined && loaded !== total) {
    throw new ModelLoadError(`download of ${file} is truncated: ${loaded} of ${total} bytes`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

// A cache operation that does not answer (seen in Firefox right after a reload) must not hang
// the model's loading: past this time the file is downloaded instead, and the cache is left
// alone until the page reloads.
const CACHE_TIMEOUT_MS = 8000;
let cacheStalled = false;

function withinCacheTime<T>(operation: Promise<T>): Promise<T | undefined> {
  return withinTime(
    operation.catch(() => undefined),
    CACHE_TIMEOUT_MS,
    () => {
      cacheStalled = true;
      return undefined;
    },
  );
}

async function openCache(): Promise<Cache | undefined> {
  if (typeof caches === 'undefined' || cacheStalled) return undefined;
  // Undefined where the origin has no cache (an opaque origin): work without one.
  return withinCacheTime(caches.open(MODEL_CACHE_NAME));
}

async function readCached(cache: Cache | undefined, url: string): Promise<Uint8Array | undefined> {
  if (!cache) return undefined;
  return withinCacheTime(
    (async () => {
      const cached = await cache.match(url);
      return cached ? new Uint8Array(await cached.arrayBuffer()) : undefined;
    })(),
  );
}

class RemoteFiles implements ModelFiles {
  readonly label: string;
  readonly remote = true;
  readonly #base: URL;

  constructor(base: URL) {
    this.#base = base;
    this.label = base.href;
  }

  async read(path: string, options: FetchOptions = {}): Promise<Uint8Array | undefined> {
    const url = new URL(path, this.#base).href;
    const cache = options.cache === false ? undefined : await openCache();
    const cached = await readCached(cache, url);
    if (cached) {
      options.onProgress?.({ file: path, loaded: cached.length, total: cached.length, fromCache: true });
      await verify(path, cached, options.manifest);
      return cached;
    }
    throwIfAborted(options.signal);
    let response: Response;
    try {
      response = await fetch(url, { signal: options.signal, mode: 'cors' });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new ModelLoadError(
        `could not fetch ${url}: the network is unreachable or the server does not allow this page to read ` +
          `it (CORS: it must send Access-Control-Allow-Origin). ${String(error)}`,
      );
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new ModelLoadError(`HTTP ${response.status} ${response.statusText} for ${url}`);
    // Single-page-app servers (Vite, many static hosts) answer a missing file with their
    // index.html and status 200: for a model file that means "not there".
    if (response.headers.get('Content-Type')?.startsWith('text/html')) {
      await response.body?.cancel();
      return undefined;
    }
    const bytes = await readBody(response, path, options);
    await verify(path, bytes, options.manifest);
    // Stored only once complete and verified, so the cache never holds a partial file.
    if (cache && !cacheStalled)
      await withinCacheTime(
        cache.put(
          url,
          new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'Content-Length': String(bytes.length) } }),
        ),
      );
    return bytes;
  }
}

class FolderFiles implements ModelFiles {
  readonly label: string;
  readonly remote = false;
  readonly #base: URL;

  constructor(base: URL) {
    this.#base = base;
    this.label = decodeURIComponent(base.pathname);
  }

  async read(path: string, options: FetchOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal);
    const { readFile } = await importNodeOnly<typeof import('node:fs/promises')>('node:fs/promises');
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(new URL(path, this.#base)));
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined;
      throw new ModelLoadError(`could not read ${path} in ${this.label}: ${String(error)}`);
    }
    options.onProgress?.({ file: path, loaded: bytes.length, total: bytes.length, fromCache: false });
    await verify(path, bytes, options.manifest);
    return bytes;
  }
}

class PickedFiles implements ModelFiles {
  readonly label = 'picked files';
  readonly remote = false;
  readonly #byPath = new Map<string, ArrayBuffer | Uint8Array | Blob>();

  constructor(entries: Iterable<[string, ArrayBuffer | Uint8Array | Blob]>) {
    for (const [path, value] of entries) this.#byPath.set(path.replace(/\\/g, '/'), value);
  }

  // A picked folder's files carry paths such as "clip-vit-base-patch32/onnx/text_model.onnx";
  // single files only their names. Match the longest path suffix, then the bare name.
  #find(path: string): ArrayBuffer | Uint8Array | Blob | undefined {
    if (this.#byPath.has(path)) return this.#byPath.get(path);
    for (const [key, value] of this.#byPath) if (key.endsWith('/' + path)) return value;
    const name = path.split('/').pop()!;
    for (const [key, value] of this.#byPath) if (key === name || key.endsWith('/' + name)) return value;
    return undefined;
  }

  async read(path: string, options: FetchOptions = {}): Promise<Uint8Array | undefined> {
    throwIfAborted(options.signal);
    const value = this.#find(path);
    if (value === undefined) return undefined;
    const bytes =
      value instanceof Uint8Array
        ? value
        : value instanceof ArrayBuffer
          ? new Uint8Array(value)
          : new Uint8Array(await value.arrayBuffer());
    options.onProgress?.({ file: path, loaded: bytes.length, total: bytes.length, fromCache: false });
    await verify(path, bytes, options.manifest);
    return bytes;
  }
}

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined && typeof window === 'undefined';

function isFileLike(value: unknown): value is File {
  return typeof File !== 'undefined' && value instanceof File;
}

/** The reader for a model source (see {@link ModelSource}). */
export function modelFiles(source: ModelSource = DEFAULT_MODEL_URL): ModelFiles {
  if (typeof source === 'string' || source instanceof URL) {
    const text = String(source);
    const withSlash = text.endsWith('/') ? text : text + '/';
    if (isNode && !/^https?:/i.test(text)) {
      const base = text.startsWith('file:') ? new URL(withSlash) : new URL(withSlash, `file://${process.cwd()}/`);
      return new FolderFiles(base);
    }
    return new RemoteFiles(new URL(withSlash, globalThis.location?.href));
  }
  if ((typeof FileList !== 'undefined' && source instanceof FileList) || Array.isArray(source)) {
    const files = Array.from(source as ArrayLike<File>);
    if (!files.every(isFileLike)) throw new ModelLoadError('model files must be File objects');
    return new PickedFiles(files.map((f) => [f.webkitRelativePath || f.name, f]));
  }
  if (typeof source === 'object' && source !== null) {
    return new PickedFiles(Object.entries(source as Record<string, ArrayBuffer | Uint8Array | Blob>));
  }
  throw new ModelLoadError('model source must be a URL, a path, picked files or a record of file bytes');
}

/** Removes every cached model file (Cache Storage). Resolves false where there is no cache. */
export async function clearModelCache(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(MODEL_CACHE_NAME);
}
