// The engine in a Web Worker behind the same asynchronous API: the page stays responsive while
// images are decoded, preprocessed and embedded.
import type { Clipscope, ClipscopeOptions, ImageItem } from './clipscope.js';
import type { EmbedOptions, EmbedProgress } from '../model/clip-model.js';
import type { EmbeddingIndex } from '../search/embedding-index.js';
import type { DownloadProgress } from '../model/model-files.js';
import type { BackendInfo, EncoderKind } from '../model/onnx-runtime.js';
import { env } from '../wasm/core.js';
import type { CoreThreads } from '../wasm/thread-support.js';
import { runtimeSettings, threadSupport, THREADS_STALLED } from '../model/onnx-runtime.js';

/** How long a starting engine may show no progress before its threads are taken as stalled. */
const SILENCE_MS = 30_000;
import {
  deserializeError,
  deserializeFailures,
  ENGINE_METHODS,
  RUN_METHODS,
  type EngineMethod,
  type IndexMethod,
  type Reply,
  type Request,
  type RunMethod,
} from './worker-protocol.js';

/** Options of {@link ClipscopeWorker.create}: those of the engine, plus an optional Worker. */
export interface WorkerOptions extends Omit<ClipscopeOptions, 'onProgress' | 'signal'> {
  /** Download progress of the model files. */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * A worker you started yourself from clipscope's `worker.js` (self-hosted or bundled
   * differently). `env.wasmPaths` and `runtimeSettings.ortWasmPaths` set on the page are passed on.
   */
  worker?: Worker;
}

/** Options of an embedding run in the Worker. */
export interface WorkerEmbedOptions {
  batchSize?: number;
  onProgress?: (progress: EmbedProgress) => void;
  /** Each batch's embeddings as it is finished (`embedImages`), copied from the worker. */
  onBatch?: EmbedOptions['onBatch'];
  signal?: AbortSignal;
  /**
   * Transfer the ArrayBuffers of the images (raw pixels, encoded bytes) to the worker instead
   * of copying them; they become unusable on the page. Default false. ImageBitmaps are always
   * transferred, Files and Blobs are never copied.
   */
  transfer?: boolean;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  progress?: (value: never) => void;
}

function imageTransferables(images: readonly unknown[], transfer: boolean): Transferable[] {
  const out: Transferable[] = [];
  for (const item of images) {
    const image =
      typeof item === 'object' && item !== null && 'image' in item && 'id' in item ? (item as ImageItem).image : item;
    if (typeof ImageBitmap !== 'undefined' && image instanceof ImageBitmap) out.push(image);
    else if (transfer && image instanceof ArrayBuffer) out.push(image);
    else if (transfer && ArrayBuffer.isView(image) && image.buffer instanceof ArrayBuffer) out.push(image.buffer);
    else if (transfer && typeof image === 'object' && image !== null && 'data' in image) {
      const data = (image as { data: ArrayBufferView }).data;
      if (data.buffer instanceof ArrayBuffer) out.push(data.buffer);
    }
  }
  return [...new Set(out)];
}

/**
 * An engine method as the page calls it in the Worker: the same arguments (a run's options may
 * also ask to transfer the images) and a promise of the same result.
 */
type RemoteMethod<M extends EngineMethod> = (
  ...args: M extends RunMethod
    ? [images: Parameters<Clipscope[M]>[0], options?: WorkerEmbedOptions]
    : Parameters<Clipscope[M]>
) => Promise<Awaited<ReturnType<Clipscope[M]>>>;

/** The engine's methods on {@link ClipscopeWorker}: those of {@link Clipscope}, asynchronous. */
export type RemoteEngine = { [M in EngineMethod]: RemoteMethod<M> };

// The proxy methods are installed from ENGINE_METHODS in the class's static block; this
// declaration gives them their types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ClipscopeWorker extends RemoteEngine {}

/** What the worker answers once its engine has started. */
interface StartedInfo {
  backend: BackendInfo;
  coreThreads: CoreThreads;
  dim: number;
  files: Partial<Record<EncoderKind, string>>;
}

/**
 * A {@link Clipscope} engine running in a Web Worker. Create with
 * `await ClipscopeWorker.create({ model, backend })`; `delete()` (or `await using`) ends the worker.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ClipscopeWorker {
  readonly backend: BackendInfo;
  /** How many threads the worker's clipscope core runs its parallel work on, and why. */
  readonly coreThreads: CoreThreads;
  readonly dim: number;
  readonly files: Partial<Record<EncoderKind, string>>;
  readonly #worker: Worker;
  readonly #pending: Map<number, Pending>;
  #next: { value: number };

  private constructor(worker: Worker, pending: Map<number, Pending>, next: { value: number }, info: StartedInfo) {
    this.#worker = worker;
    this.#pending = pending;
    this.#next = next;
    this.backend = info.backend;
    this.coreThreads = info.coreThreads;
    this.dim = info.dim;
    this.files = info.files;
  }

  /**
   * Starts the worker and loads the model in it. Model files may be URLs, a FileList or bytes.
   * Where WASM threads fail to start (onnxruntime-web can hang for good doing so, as in Firefox
   * after a reload), a new worker with one thread takes over and `backend.threadsReason` says so
   * (not when `threads` or your own `worker` is given: then the error is thrown).
   */
  static async create(options: WorkerOptions = {}): Promise<ClipscopeWorker> {
    try {
      return await ClipscopeWorker.#start(options);
    } catch (error) {
      const stalled = error instanceof Error && error.message.startsWith(THREADS_STALLED);
      if (!stalled || options.threads !== undefined || options.worker) throw error;
      // "WASM threads did not start within 10 s (…)" or "… (no progress for 30 s)".
      const what = (error as Error).message
        .replace(/; load with threads: 1$/, '')
        .replace(/: the engine showed no progress for (\d+) s$/, ' (no progress for $1 s)');
      const why = `${what}: running on one thread`;
      return ClipscopeWorker.#start({ ...options, threads: 1 }, why);
    }
  }

  static async #start(options: WorkerOptions, threadsReason?: string): Promise<ClipscopeWorker> {
    const { worker: given, onProgress, ...engineOptions } = options;
    const worker = given ?? new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'clipscope' });
    const pending = new Map<number, Pending>();
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const reply = event.data;
      const entry = pending.get(reply.call);
      if (!entry) return;
      if ('progress' in reply) {
        entry.progress?.(reply.progress as never);
        return;
      }
      pending.delete(reply.call);
      if ('error' in reply) entry.reject(deserializeError(reply.error));
      else entry.resolve(deserializeFailures(reply.result));
    };
    worker.onerror = (event: ErrorEvent) => {
      const error = new Error(
        `the clipscope worker failed: ${event.message || 'it could not start (is worker.js served?)'}`,
      );
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    };
    const next = { value: 1 };
    const absolute = (url: string | URL | undefined) =>
      url === undefined ? undefined : new URL(String(url), globalThis.location?.href).href;
    const settings = {
      wasmPaths: absolute(env.wasmPaths),
      ortWasmPaths: absolute(runtimeSettings.ortWasmPaths),
      threads: env.threads,
    };
    // With threads, onnxruntime-web can also hang after the runtime started (Firefox): a worker
    // that shows no sign of life for this long is taken as stalled (a download reports progress).
    const watch = options.threads === undefined && !given && threadSupport().threads > 1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stalled: (error: Error) => void = () => {};
    const silence = new Promise<never>((_, reject) => (stalled = reject));
    const rearm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => stalled(new Error(`${THREADS_STALLED}: the engine showed no progress for ${SILENCE_MS / 1000} s`)),
        SILENCE_MS,
      );
    };
    let info: unknown;
    try {
      const creating = call(worker, pending, next, 'create', [engineOptions, settings], {
        progress: (value: never) => {
          if (watch) rearm();
          onProgress?.(value);
        },
      });
      if (watch) rearm();
      info = await (watch ? Promise.race([creating, silence]) : creating);
    } catch (error) {
      if (!given) worker.terminate(); // a worker of ours that could not start its engine is of no use
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const started = info as StartedInfo;
    if (threadsReason) started.backend = { ...started.backend, threadsReason };
    return new ClipscopeWorker(worker, pending, next, started);
  }

  #call<T>(
    method: string,
    args: unknown[],
    extra: { progress?: (value: never) => void; signal?: AbortSignal; transfer?: Transferable[] } = {},
  ): Promise<T> {
    return call(this.#worker, this.#pending, this.#next, method, args, extra) as Promise<T>;
  }

  // One proxy method per engine method, from the one list the Worker serves as well.
  static {
    for (const method of ENGINE_METHODS) {
      Object.defineProperty(ClipscopeWorker.prototype, method, {
        configurable: true,
        writable: true,
        value(this: ClipscopeWorker, ...args: unknown[]) {
          return this.#proxy(method, args);
        },
      });
    }
  }

  // A run's callbacks and signal stay on the page (progress and cancel travel as messages);
  // image buffers and saved bytes move to the worker instead of being copied.
  #proxy(method: EngineMethod, args: unknown[]): Promise<unknown> {
    if (RUN_METHODS.has(method)) {
      const { onProgress, onBatch, signal, transfer, ...rest } = (args[1] ?? {}) as WorkerEmbedOptions;
      const images = Array.isArray(args[0]) ? args[0] : [];
      type Update = { progress?: EmbedProgress; batch?: Parameters<NonNullable<WorkerEmbedOptions['onBatch']>>[0] };
      return this.#call(method, [args[0], { ...rest, batches: onBatch !== undefined }], {
        progress: (update: Update) => (update.batch ? onBatch?.(update.batch) : onProgress?.(update.progress!)),
        signal,
        transfer: imageTransferables(images, transfer ?? false),
      });
    }
    if (method === 'load') {
      const bytes = args[0] as Uint8Array | undefined;
      return this.#call(method, args, { transfer: bytes?.buffer instanceof ArrayBuffer ? [bytes.buffer] : [] });
    }
    return this.#call(method, args);
  }

  /**
   * Calls an {@link EmbeddingIndex} method in the worker (one of {@link INDEX_METHODS}: `get`,
   * `has`, `remove`, `search`, `searchBatch`, `kmeans`, `autoK`, `pca2d`, `nearDuplicates`,
   * `save`, `clear`), typed as the method itself: `await engine.index('has', 'a.jpg')` is a boolean.
   */
  index<M extends IndexMethod>(
    method: M,
    ...args: Parameters<EmbeddingIndex[M]>
  ): Promise<Awaited<ReturnType<EmbeddingIndex[M]>>> {
    return this.#call('index', [method, ...args]);
  }

  /** Frees the engine and ends the worker. */
  async delete(): Promise<void> {
    await this.#call('delete', []).catch(() => undefined);
    this.#worker.terminate();
  }

  /** `await using engine = await ClipscopeWorker.create(...)` ends it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.delete();
  }
}

function call(
  worker: Worker,
  pending: Map<number, Pending>,
  next: { value: number },
  method: string,
  args: unknown[],
  extra: { progress?: (value: never) => void; signal?: AbortSignal; transfer?: Transferable[] },
): Promise<unknown> {
  const id = next.value++;
  return new Promise((resolve, reject) => {
    if (extra.signal?.aborted) {
      reject(extra.signal.reason ?? new DOMException('aborted', 'AbortError'));
      return;
    }
    pending.set(id, { resolve, reject, progress: extra.progress });
    extra.signal?.addEventListener(
      'abort',
      () => {
        const reason = extra.signal!.reason;
        const message: Request = {
          type: 'cancel',
          call: id,
          reason: reason instanceof Error ? reason.message : String(reason ?? 'aborted'),
        };
        worker.postMessage(message);
      },
      { once: true },
    );
    const message: Request = { type: 'call', call: id, method, args };
    worker.postMessage(message, extra.transfer ?? []);
  });
}
