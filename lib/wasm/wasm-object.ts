// One lifecycle for every object that holds WebAssembly memory: `delete()` frees it now (the
// one verb), `using` frees it at the end of a scope, and a forgotten one is freed when it is
// garbage-collected. The finalizer never throws: an exception there would end the process.
import { DeletedError } from '../common/errors.js';

/** What an Embind handle offers: freeing, and (for classes) whether it was freed. */
export interface RawHandle {
  delete(): void;
  isDeleted?(): boolean;
}

const collected = new FinalizationRegistry<RawHandle>((raw) => {
  try {
    if (!raw.isDeleted?.()) raw.delete();
  } catch {
    // already freed
  }
});

/** Base of `EmbeddingIndex`, `ClipTokenizer` and `ImagePreprocessor`. */
export abstract class WasmObject<Raw extends RawHandle> {
  #raw: Raw | undefined;
  readonly #kind: string;

  /** `kind` names the object in errors (class names do not survive minifiers). */
  protected constructor(raw: Raw, kind: string) {
    this.#raw = raw;
    this.#kind = kind;
    collected.register(this, raw, this);
  }

  /** The handle; throws `DeletedError` after `delete()`. */
  protected get raw(): Raw {
    if (!this.#raw) throw new DeletedError(`this ${this.#kind} was deleted`);
    return this.#raw;
  }

  /** Whether `delete()` was called. */
  get deleted(): boolean {
    return this.#raw === undefined;
  }

  /** Frees the WebAssembly memory now; later calls throw `DeletedError`. Calling it twice is fine. */
  delete(): void {
    if (!this.#raw) return;
    collected.unregister(this);
    this.#raw.delete();
    this.#raw = undefined;
  }

  /** `using index = await EmbeddingIndex.create(512)` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.delete();
  }
}
