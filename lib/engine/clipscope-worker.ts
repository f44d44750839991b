// The engine in a Web Worker behind the same asynchronous API: the page stays responsive while
// images are decoded, preprocessed and embedded.
import type {
  AddImagesResult,
  ClipscopeOptions,
  ClusterOptions,
  ClusterResult,
  ImageItem,
  MapResult,
} from './clipscope.js';
import type { EmbedProgress, ImageEmbeddings, LabelScore } from '../model/clip-model.js';
import type { ImageSource } from '../images/decode.js';
import type { EmbeddingIndex, Id, SearchResult, StorageType } from '../search/embedding-index.js';
import type { DownloadProgress } from '../model/model-files.js';
import type { BackendInfo, EncoderKind } from '../model/onnx-runtime.js';
import { env } from '../wasm/core.js';
import { runtimeSettings } from '../model/onnx-runtime.js';
import {
  deserializeError,
  deserializeFailures,
  type IndexMethod,
  type Reply,
  type Request,
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
 * A {@link Clipscope} engine running in a Web Worker. Create with
 * `await ClipscopeWorker.create({ model, backend })`; `delete()` (or `await using`) ends the worker.
 */
export class ClipscopeWorker {
  readonly backend: BackendInfo;
  readonly dim: number;
  readonly files: Partial<Record<EncoderKind, string>>;
  readonly #worker: Worker;
  readonly #pending: Map<number, Pending>;
  #next: { value: number };

  private constructor(
    worker: Worker,
    pending: Map<number, Pending>,
    next: { value: number },
    info: { backend: BackendInfo; dim: number; files: Partial<Record<EncoderKind, string>> },
  ) {
    this.#worker = worker;
    this.#pending = pending;
    this.#next = next;
    this.backend = info.backend;
    this.dim = info.dim;
    this.files = info.files;
  }

  /** Starts the worker and loads the model in it. Model files may be URLs, a FileList or bytes. */
  static async create(options: WorkerOptions = {}): Promise<ClipscopeWorker> {
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
    const settings = { wasmPaths: absolute(env.wasmPaths), ortWasmPaths: absolute(runtimeSettings.ortWasmPaths) };
    const info = await call(worker, pending, next, 'create', [engineOptions, settings], { progress: onProgress });
    return new ClipscopeWorker(
      worker,
      pending,
      next,
      info as { backend: BackendInfo; dim: number; files: Partial<Record<EncoderKind, string>> },
    );
  }

  #call<T>(
    method: string,
    args: unknown[],
    extra: { progress?: (value: never) => void; signal?: AbortSignal; transfer?: Transferable[] } = {},
  ): Promise<T> {
    return call(this.#worker, this.#pending, this.#next, method, args, extra) as Promise<T>;
  }

  /** Embeds and stores images in the worker; see {@link Clipscope.addImages}. */
  addImages(items: readonly (ImageSource | ImageItem)[], options: WorkerEmbedOptions = {}): Promise<AddImagesResult> {
    const { onProgress, signal, transfer, ...rest } = options;
    return this.#call('addImages', [items, rest], {
      progress: onProgress,
      signal,
      transfer: imageTransferables(items, transfer ?? false),
    });
  }

  /** Embeds images without storing them. */
  embedImages(images: readonly ImageSource[], options: WorkerEmbedOptions = {}): Promise<ImageEmbeddings> {
    const { onProgress, signal, transfer, ...rest } = options;
    return this.#call('embedImages', [images, rest], {
      progress: onProgress,
      signal,
      transfer: imageTransferables(images, transfer ?? false),
    });
  }

  embedTexts(texts: readonly string[]): Promise<Float32Array> {
    return this.#call('embedTexts', [texts]);
  }

  searchByText(text: string, k: number): Promise<SearchResult> {
    return this.#call('searchByText', [text, k]);
  }

  searchByImage(imageOrId: ImageSource | Id, k: number): Promise<SearchResult> {
    return this.#call('searchByImage', [imageOrId, k]);
  }

  classify(imageOrId: ImageSource | Id, labels: readonly string[]): Promise<LabelScore[]> {
    return this.#call('classify', [imageOrId, labels]);
  }

  /** Clusters the stored images; see {@link Clipscope.cluster}. */
  cluster(options: ClusterOptions = {}): Promise<ClusterResult> {
    return this.#call('cluster', [options]);
  }

  /** A 2-D map (PCA) of the stored images. */
  map(): Promise<MapResult> {
    return this.#call('map', []);
  }

  /** Groups of near-identical images (cosine ≥ threshold). */
  nearDuplicates(threshold = 0.95): Promise<Id[][]> {
    return this.#call('nearDuplicates', [threshold]);
  }

  /** The stored embeddings in clipscope's versioned index format. */
  save(): Promise<Uint8Array> {
    return this.#call('save', []);
  }

  /** Replaces the stored embeddings with saved ones. The bytes are moved to the worker. */
  load(bytes: Uint8Array): Promise<void> {
    return this.#call('load', [bytes], { transfer: bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [] });
  }

  /** Size, dimension, memory and storage of the worker's index. */
  indexInfo(): Promise<{ size: number; dim: number; memoryBytes: number; storage: StorageType }> {
    return this.#call('indexInfo', []);
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
