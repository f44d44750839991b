// Blobs to ImageBitmaps in a Worker (bitmap-worker.ts) where the browser allows one, on this
// thread otherwise. A browser decodes a Blob only while the thread that asked can read it:
// here, inference blocks this thread for seconds, so the next batch's files would wait until
// it ends. In the Worker they decode meanwhile, and only reading the pixels is left (measured
// in Chromium: 8 JPEGs of 640 × 480, 8 ms after a block instead of 23).
import { BITMAP_OPTIONS, type BitmapReply, type BitmapRequest } from './bitmap-options.js';
import { DecodeError } from '../common/errors.js';
import { freeTimeLimit } from '../common/free-time-limit.js';

// createImageBitmap can neither resolve nor reject (seen in Firefox), which would stall a whole
// run on one file. A Worker silent this long with files waiting is given up (they are decoded
// on this thread), and a decode on this thread that takes longer fails that file alone; both
// count only time this thread was free (free-time-limit.ts).
export const WORKER_SILENCE_MS = 20_000;
export const DECODE_TIME_LIMIT_MS = 30_000;

/** How many files were decoded (or failed to) in the Worker and on this thread (for the tests). */
export const bitmapDecodes = { inWorker: 0, here: 0 };

function decodeHere(blob: Blob): Promise<ImageBitmap> {
  bitmapDecodes.here++;
  const decoding = createImageBitmap(blob, BITMAP_OPTIONS);
  let cancel = () => {};
  let late = false;
  const limit = new Promise<never>((_, reject) => {
    cancel = freeTimeLimit(DECODE_TIME_LIMIT_MS, () => {
      late = true;
      reject(
        new DecodeError(`the browser neither decoded nor refused this file within ${DECODE_TIME_LIMIT_MS / 1000} s`),
      );
    });
  });
  // A bitmap that arrives after the limit has no one to close it.
  decoding.then(
    (bitmap) => {
      if (late) bitmap.close();
    },
    () => {},
  );
  return Promise.race([decoding, limit]).finally(cancel);
}

interface Pending {
  blob: Blob;
  resolve: (bitmap: ImageBitmap) => void;
  reject: (error: unknown) => void;
}

class WorkerDecoder {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #cancelSilence = () => {};
  broken = false;

  constructor() {
    // The literal `new Worker(new URL(...))` is what Vite and webpack follow and bundle.
    this.#worker = new Worker(new URL('./bitmap-worker.js', import.meta.url), {
      type: 'module',
      name: 'clipscope-decoder',
    });
    this.#worker.addEventListener('message', (event: MessageEvent<BitmapReply>) => this.#answer(event.data));
    // The script did not load (a policy, a bundle without it): this thread decodes instead.
    this.#worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.#giveUp();
    });
    this.#worker.addEventListener('messageerror', () => this.#giveUp());
  }

  decode(blob: Blob): Promise<ImageBitmap> {
    return new Promise((resolve, reject) => {
      const id = this.#next++;
      this.#pending.set(id, { blob, resolve, reject });
      if (this.#pending.size === 1) this.#watch(); // silence counts from the last reply
      this.#worker.postMessage({ id, blob } satisfies BitmapRequest);
    });
  }

  #answer(reply: BitmapReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    this.#watch();
    bitmapDecodes.inWorker++;
    if ('bitmap' in reply) {
      pending.resolve(reply.bitmap);
    } else {
      // The same text as the browser's own error on this thread.
      pending.reject({ toString: () => reply.error });
    }
  }

  // While files wait, a reply must come within WORKER_SILENCE_MS.
  #watch(): void {
    this.#cancelSilence();
    this.#cancelSilence = this.#pending.size ? freeTimeLimit(WORKER_SILENCE_MS, () => this.#giveUp()) : () => {};
  }

  #giveUp(): void {
    this.#cancelSilence();
    this.broken = true;
    this.#worker.terminate();
    for (const { blob, resolve, reject } of this.#pending.values()) decodeHere(blob).then(resolve, reject);
    this.#pending.clear();
  }
}

let decoder: WorkerDecoder | undefined;
let noWorker = typeof Worker === 'undefined';

function workerDecoder(): WorkerDecoder | undefined {
  if (noWorker || decoder?.broken) return undefined;
  try {
    decoder ??= new WorkerDecoder();
  } catch {
    noWorker = true; // e.g. a sandbox that refuses Workers
  }
  return decoder;
}

/**
 * The file's ImageBitmap (EXIF orientation applied, no color-space conversion or
 * premultiplication), decoded in clipscope's Worker where one starts. Rejects with the
 * browser's error when it cannot decode the file.
 */
export function decodeBitmap(blob: Blob): Promise<ImageBitmap> {
  return workerDecoder()?.decode(blob) ?? decodeHere(blob);
}
