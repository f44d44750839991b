// Keeping an index on the device between visits: IndexedDB or the origin-private file system
// (OPFS), both holding the core's versioned, checksummed save format — written and read in
// bounded pieces, and replaced only once the new copy is complete.
import { EmbeddingIndex } from '../search/embedding-index.js';
import { ApproximateIndex } from '../search/approximate-index.js';
import { CorruptDataError, StorageError } from '../common/errors.js';
import { DEFAULT_PIECE_BYTES, piecesOf, type LoadPiecesOptions, type PieceSource } from '../search/saved-pieces.js';

/** Either kind of index: what the storage functions save and load. */
export type SavedIndex = EmbeddingIndex | ApproximateIndex;

const DATABASE = 'clipscope';
const STORE = 'indexes';

function storageError(what: string, error: unknown): StorageError {
  // Browsers may fail a request with a null error (WebKit refusing a write in memory-only storage).
  const reason = error instanceof Error ? error.message : error == null ? 'the browser gave no reason' : String(error);
  return new StorageError(`${what}: ${reason}`);
}

// The saved format piece by piece: an index's pieces, or saved bytes cut into pieces.
async function eachPiece(index: SavedIndex | Uint8Array, write: (piece: Uint8Array) => Promise<unknown>) {
  if (!(index instanceof Uint8Array)) return index.saveInPieces(write);
  for (let at = 0; at < index.length; at += DEFAULT_PIECE_BYTES) {
    await write(index.subarray(at, at + DEFAULT_PIECE_BYTES));
  }
}

const MAGIC_BYTES = 8;
const decoder = new TextDecoder();

/**
 * Restores whichever index the saved format holds (an `EmbeddingIndex` for "CLIPSIDX", an
 * `ApproximateIndex` for "CLIPSIVF"), read in pieces as `EmbeddingIndex.loadFrom` does.
 */
export async function loadIndexFrom(source: PieceSource, options: LoadPiecesOptions = {}): Promise<SavedIndex> {
  // A Blob's size is known: the loader can reserve the index's memory once.
  if (options.totalBytes === undefined && typeof Blob !== 'undefined' && source instanceof Blob)
    options = { ...options, totalBytes: source.size };
  // Read until the magic is known, then hand the loader what was read and the rest.
  const pieces = piecesOf(source);
  const head: Uint8Array[] = [];
  let length = 0;
  while (length < MAGIC_BYTES) {
    const next = await pieces.next();
    if (next.done) break;
    head.push(next.value);
    length += next.value.length;
  }
  const first = new Uint8Array(Math.min(length, MAGIC_BYTES));
  let at = 0;
  for (const piece of head) {
    if (at === first.length) break;
    const part = piece.subarray(0, first.length - at);
    first.set(part, at);
    at += part.length;
  }
  const all = (async function* () {
    yield* head;
    yield* pieces;
  })();
  const magic = decoder.decode(first);
  if (magic === 'CLIPSIDX') return EmbeddingIndex.loadFrom(all, options);
  if (magic === 'CLIPSIVF') return ApproximateIndex.loadFrom(all, options);
  await pieces.return(undefined);
  throw new CorruptDataError(
    length < MAGIC_BYTES
      ? `index data is corrupt: only ${length} bytes`
      : 'index data is corrupt: it does not start with a clipscope index magic ("CLIPSIDX" or "CLIPSIVF")',
  );
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T> | T): Promise<T> {
  if (typeof indexedDB === 'undefined') throw new StorageError('IndexedDB is not available here');
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const db = await request(opening);
  try {
    const tx = db.transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    done.catch(() => undefined); // awaited below; a failed `work` must not leave it unhandled
    const result = await work(tx.objectStore(STORE));
    await done;
    return result;
  } finally {
    db.close();
  }
}

// IndexedDB layout: under `key`, a manifest naming a generation of pieces, each piece its own
// record under `key \0 generation \0 number`. A save writes a new generation, then switches the
// manifest in one transaction and drops the other generations: an interrupted save leaves the
// manifest — and the copy it names — as they were.
interface Manifest {
  format: 'clipscope-pieces';
  generation: string;
  pieces: number;
  bytes: number;
}

const isManifest = (value: unknown): value is Manifest =>
  typeof value === 'object' &&
  value !== null &&
  (value as Manifest).format === 'clipscope-pieces' &&
  typeof (value as Manifest).generation === 'string' &&
  Number.isSafeInteger((value as Manifest).pieces) &&
  Number.isSafeInteger((value as Manifest).bytes);

const piecePrefix = (key: string) => `${key}\u0000`;
const pieceKey = (key: string, generation: string, n: number) =>
  `${piecePrefix(key)}${generation}\u0000${String(n).padStart(8, '0')}`;

/**
 * Stores an index (or its saved bytes) under `key` in IndexedDB (database "clipscope"), in
 * pieces of at most 16 MiB. The previous copy under `key` stays loadable until the new one is
 * complete.
 */
export async function saveIndexToIndexedDB(index: SavedIndex | Uint8Array, key: string): Promise<void> {
  const generation = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  let pieces = 0;
  let bytes = 0;
  try {
    await eachPiece(index, (piece) =>
      withStore('readwrite', (store) => {
        bytes += piece.length;
        // A view of a larger buffer would be stored whole: copy it to its own.
        const own = piece.byteLength === piece.buffer.byteLength ? piece : piece.slice();
        return request(store.put(own, pieceKey(key, generation, pieces++)));
      }),
    );
    const manifest: Manifest = { format: 'clipscope-pieces', generation, pieces, bytes };
    await withStore('readwrite', (store) => {
      store.put(manifest, key);
      // Every other generation: the one replaced, and any an interrupted save left.
      const prefix = piecePrefix(key);
      store.delete(IDBKeyRange.bound(prefix, prefix + generation, false, true));
      store.delete(IDBKeyRange.bound(`${prefix}${generation}\u0001`, `${prefix}\uffff`));
    });
  } catch (error) {
    throw error instanceof StorageError ? error : storageError(`could not store index "${key}" in IndexedDB`, error);
  }
}

/**
 * The index stored under `key` (an `EmbeddingIndex` or an `ApproximateIndex`, as saved), or
 * undefined if there is none. Damaged bytes throw CorruptDataError and stay stored, so nothing
 * is lost by trying.
 */
export async function loadIndexFromIndexedDB(key: string): Promise<SavedIndex | undefined> {
  let stored: unknown;
  try {
    stored = await withStore('readonly', (store) => request(store.get(key)));
  } catch (error) {
    throw error instanceof StorageError ? error : storageError(`could not read index "${key}" from IndexedDB`, error);
  }
  if (stored === undefined) return undefined;
  if (stored instanceof Uint8Array || stored instanceof ArrayBuffer) {
    return loadIndexFrom([new Uint8Array(stored)]); // one record, as stored before pieces
  }
  if (!isManifest(stored)) throw new CorruptDataError(`index data is corrupt: the record "${key}" is not an index`);
  const manifest = stored;
  async function* pieces() {
    for (let n = 0; n < manifest.pieces; n++) {
      const piece = await withStore('readonly', (store) =>
        request(store.get(pieceKey(key, manifest.generation, n))),
      ).catch((error) => {
        throw storageError(`could not read index "${key}" from IndexedDB`, error);
      });
      if (!(piece instanceof Uint8Array))
        throw new CorruptDataError(`index data is corrupt: piece ${n} of ${manifest.pieces} is missing`);
      yield piece;
    }
  }
  return loadIndexFrom(pieces(), { totalBytes: manifest.bytes });
}

/** Removes the index stored under `key` from IndexedDB. */
export async function deleteIndexFromIndexedDB(key: string): Promise<void> {
  await withStore('readwrite', (store) => {
    store.delete(key);
    store.delete(IDBKeyRange.bound(piecePrefix(key), `${piecePrefix(key)}\uffff`));
  });
}

const NO_OPFS = 'the origin-private file system (OPFS) is not available here';

const opfsStorage = (): StorageManager | undefined => {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  return storage?.getDirectory ? storage : undefined;
};

/** Why this context cannot write OPFS files, or undefined if it can (feature detection only). */
export function opfsMissing(): string | undefined {
  if (!opfsStorage()) return NO_OPFS;
  if (typeof FileSystemFileHandle === 'undefined' || !('createWritable' in FileSystemFileHandle.prototype))
    return 'OPFS files cannot be written from this context (no FileSystemFileHandle.createWritable)';
  return undefined;
}

// The OPFS root, to write files (which needs createWritable) or only to read them.
async function opfsRoot(toWrite: boolean): Promise<FileSystemDirectoryHandle> {
  const missing = toWrite ? opfsMissing() : opfsStorage() ? undefined : NO_OPFS;
  if (missing) throw new StorageError(missing);
  return navigator.storage.getDirectory();
}

/**
 * Writes an index (or its saved bytes) to a file of the origin-private file system, piece by
 * piece. The browser replaces the file only when the whole new copy is written: an interrupted
 * save leaves the previous file as it was.
 */
export async function saveIndexToOpfs(index: SavedIndex | Uint8Array, fileName: string): Promise<void> {
  let writable: FileSystemWritableFileStream | undefined;
  try {
    const file = await (await opfsRoot(true)).getFileHandle(fileName, { create: true });
    writable = await file.createWritable();
    const stream = writable;
    await eachPiece(index, (piece) => stream.write(piece as Uint8Array<ArrayBuffer>));
    await writable.close(); // the file is replaced only now, whole
  } catch (error) {
    await writable?.abort().catch(() => undefined);
    throw error instanceof StorageError ? error : storageError(`could not write ${fileName} to OPFS`, error);
  }
}

/** The index in an OPFS file (either kind, as saved), or undefined if there is no such file. */
export async function loadIndexFromOpfs(fileName: string): Promise<SavedIndex | undefined> {
  let file: File;
  try {
    file = await (await (await opfsRoot(false)).getFileHandle(fileName)).getFile();
  } catch (error) {
    if ((error as DOMException).name === 'NotFoundError') return undefined;
    throw error instanceof StorageError ? error : storageError(`could not read ${fileName} from OPFS`, error);
  }
  return loadIndexFrom(file);
}

/** Where {@link saveIndexLocally} put an index, and why there. */
export interface LocalSave {
  storage: 'opfs' | 'indexeddb';
  reason: string;
}

/**
 * Stores an index on this device where it fits best: OPFS where this context can write files,
 * else IndexedDB, with the reason (feature detection, not the browser's name).
 */
export async function saveIndexLocally(index: SavedIndex | Uint8Array, name: string): Promise<LocalSave> {
  const missing = opfsMissing();
  if (missing) {
    await saveIndexToIndexedDB(index, name);
    return { storage: 'indexeddb', reason: `${missing}; stored in IndexedDB` };
  }
  await saveIndexToOpfs(index, name);
  return { storage: 'opfs', reason: 'OPFS can write files here' };
}

/** The index {@link saveIndexLocally} stored under `name`, or undefined if there is none. */
export async function loadIndexLocally(name: string): Promise<SavedIndex | undefined> {
  return opfsMissing() ? loadIndexFromIndexedDB(name) : loadIndexFromOpfs(name);
}
