// Saved indexes in bounded pieces: what a save hands out and a load takes, so that a million
// photos go to a file, a stream or database records without one buffer the size of the
// collection (a piece is at most 64 MB; the core checks every number as the pieces arrive).
import { check } from '../common/errors.js';
import { describeType, integerInRange, invalid } from '../common/validate.js';
import type { RawLoader } from '../wasm/raw-module.js';

/** Pieces of a save are about this large unless asked otherwise (16 MiB). */
export const DEFAULT_PIECE_BYTES = 16 * 2 ** 20;
/** The largest piece a save hands out or a load feeds to the core at once (64 MiB). */
export const MAX_PIECE_BYTES = 64 * 2 ** 20;

/** Options of a save in pieces. */
export interface SavePiecesOptions {
  /**
   * Bytes per piece, 1 to 64 MiB (default 16 MiB): a piece ends after the first record that
   * reaches it, so it may pass it by one record (an id and a vector: a few kilobytes).
   */
  pieceBytes?: number;
  /** Stops the save between pieces (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** Where a load reads the saved format from: pieces in order, of any size. */
export type PieceSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Blob;

/** Options of a load from pieces. */
export interface LoadPiecesOptions {
  /**
   * The saved format's size in bytes, when known (a Blob's is taken from it): the core then
   * reserves the index's memory once and checks the header's counts against it up front.
   */
  totalBytes?: number;
  /** Stops the load between pieces; nothing is kept. */
  signal?: AbortSignal;
}

/** @internal The pieces of `source` in order. */
export async function* piecesOf(source: PieceSource): AsyncGenerator<Uint8Array> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    for (let at = 0; at < source.size; at += DEFAULT_PIECE_BYTES) {
      yield new Uint8Array(await source.slice(at, at + DEFAULT_PIECE_BYTES).arrayBuffer());
    }
    return;
  }
  if (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream) {
    const reader = source.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
      }
      finished = true;
    } finally {
      if (!finished) await reader.cancel().catch(() => undefined);
      reader.releaseLock();
    }
    return;
  }
  if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source || Symbol.iterator in source))
    invalid(`source must be a ReadableStream, a Blob or an iterable of Uint8Array, got ${describeType(source)}`);
  yield* source as AsyncIterable<Uint8Array>;
}

/** @internal Feeds every piece of `source` to a core loader and returns the index handle it made. */
export async function loadPieces<Handle>(
  makeLoader: (totalBytes: number) => RawLoader<Handle>,
  source: PieceSource,
  options: LoadPiecesOptions = {},
): Promise<Handle> {
  const blobSize = typeof Blob !== 'undefined' && source instanceof Blob ? source.size : 0;
  const total = integerInRange(options.totalBytes ?? blobSize, 0, Number.MAX_SAFE_INTEGER, 'totalBytes');
  options.signal?.throwIfAborted();
  const loader = makeLoader(total);
  try {
    for await (const piece of piecesOf(source)) {
      if (!(piece instanceof Uint8Array)) invalid(`every piece must be a Uint8Array, got ${describeType(piece)}`);
      for (let at = 0; at < piece.length; at += MAX_PIECE_BYTES) {
        check(loader.feed(piece.subarray(at, at + MAX_PIECE_BYTES)));
      }
      options.signal?.throwIfAborted();
    }
    return check(loader.finish()).index;
  } finally {
    loader.delete();
  }
}
