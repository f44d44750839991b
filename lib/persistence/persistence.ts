// Keeping an index on the device between visits: IndexedDB or the origin-private file system
// (OPFS), both holding the core's versioned, checksummed save format.
import { EmbeddingIndex } from '../search/embedding-index.js';
import { StorageError } from '../common/errors.js';

const DATABASE = 'clipscope';
const STORE = 'indexes';

function storageError(what: string, error: unknown): StorageError {
  // Browsers may fail a request with a null error (WebKit refusing a write in memory-only storage).
  const reason = error instanceof Error ? error.message : error == null ? 'the browser gave no reason' : String(error);
  return new StorageError(`${what}: ${reason}`);
}

function bytesOf(index: EmbeddingIndex | Uint8Array): Uint8Array {
  return index instanceof Uint8Array ? index : index.save();
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  if (typeof indexedDB === 'undefined') throw new StorageError('IndexedDB is not available here');
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE);
  const db = await request(opening);
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(work(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    return result;
  } finally {
    db.close();
  }
}

/** Stores an index (or its saved bytes) under `key` in IndexedDB (database "clipscope"). */
export async function saveIndexToIndexedDB(index: EmbeddingIndex | Uint8Array, key: string): Promise<void> {
  const bytes = bytesOf(index);
  try {
    await withStore('readwrite', (store) => store.put(bytes, key));
  } catch (error) {
    throw error instanceof StorageError ? error : storageError(`could not store index "${key}" in IndexedDB`, error);
  }
}

/**
 * The index stored under `key`, or undefined if there is none. Damaged bytes throw
 * CorruptDataError and stay stored, so nothing is lost by trying.
 */
export async function loadIndexFromIndexedDB(key: string): Promise<EmbeddingIndex | undefined> {
  let bytes: unknown;
  try {
    bytes = await withStore('readonly', (store) => store.get(key));
  } catch (error) {
    throw error instanceof StorageError ? error : storageError(`could not read index "${key}" from IndexedDB`, error);
  }
  if (bytes === undefined) return undefined;
  return EmbeddingIndex.load(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes as ArrayBuffer));
}

/** Removes the index stored under `key` from IndexedDB. */
export async function deleteIndexFromIndexedDB(key: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(key));
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

/** Writes an index (or its saved bytes) to a file of the origin-private file system. */
export async function saveIndexToOpfs(index: EmbeddingIndex | Uint8Array, fileName: string): Promise<void> {
  const bytes = bytesOf(index);
  try {
    const file = await (await opfsRoot(true)).getFileHandle(fileName, { create: true });
    const writable = await file.createWritable();
    await writable.write(bytes as Uint8Array<ArrayBuffer>);
    await writable.close(); // the file is replaced only now, whole
  } catch (error) {
    throw error instanceof StorageError ? error : storageError(`could not write ${fileName} to OPFS`, error);
  }
}

/** The index in an OPFS file, or undefined if there is no such file. */
export async function loadIndexFromOpfs(fileName: string): Promise<EmbeddingIndex | undefined> {
  let bytes: Uint8Array;
  try {
    const file = await (await opfsRoot(false)).getFileHandle(fileName);
    bytes = new Uint8Array(await (await file.getFile()).arrayBuffer());
  } catch (error) {
    if ((error as DOMException).name === 'NotFoundError') return undefined;
    throw error instanceof StorageError ? error : storageError(`could not read ${fileName} from OPFS`, error);
  }
  return EmbeddingIndex.load(bytes);
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
export async function saveIndexLocally(index: EmbeddingIndex | Uint8Array, name: string): Promise<LocalSave> {
  const missing = opfsMissing();
  if (missing) {
    await saveIndexToIndexedDB(index, name);
    return { storage: 'indexeddb', reason: `${missing}; stored in IndexedDB` };
  }
  await saveIndexToOpfs(index, name);
  return { storage: 'opfs', reason: 'OPFS can write files here' };
}

/** The index {@link saveIndexLocally} stored under `name`, or undefined if there is none. */
export async function loadIndexLocally(name: string): Promise<EmbeddingIndex | undefined> {
  return opfsMissing() ? loadIndexFromIndexedDB(name) : loadIndexFromOpfs(name);
}
