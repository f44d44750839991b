// The collection in IndexedDB: a thumbnail and a larger preview per photo (the photos stay the
// user's files), the embeddings in clipscope's index format with the model they came from, and
// the folder the user let the page remember (File System Access API, where there is one).
export interface PhotoRecord {
  id: string;
  name: string;
  /** Absent for a photo known only by its embedding (imported from an index file). */
  thumb?: Blob;
  /** A larger copy for the viewer when the original is out of reach. */
  preview?: Blob;
}

export interface SavedIndex {
  modelKey: string;
  bytes: Uint8Array;
}

const DB_NAME = 'clipscope-demo';

// Thumbnails are stored as bytes, not Blobs: WebKit refuses Blobs in IndexedDB where its storage
// is memory-only (private browsing, automation), failing the write with no error object.
interface StoredPhoto {
  id: string;
  name: string;
  thumb?: { bytes: ArrayBuffer; type: string } | Blob;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('the browser refused the IndexedDB request without a reason'));
  });
}

interface StoredPreview {
  id: string;
  bytes: ArrayBuffer;
  type: string;
}

// Version 2 added the previews; a version 1 database keeps its photos and embeddings.
function open(): Promise<IDBDatabase> {
  const opening = indexedDB.open(DB_NAME, 2);
  opening.onupgradeneeded = () => {
    const db = opening.result;
    if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos', { keyPath: 'id' });
    if (!db.objectStoreNames.contains('state')) db.createObjectStore('state');
    if (!db.objectStoreNames.contains('previews')) db.createObjectStore('previews', { keyPath: 'id' });
  };
  return request(opening);
}

async function transact<T>(
  stores: string[],
  mode: IDBTransactionMode,
  work: (tx: IDBTransaction) => Promise<T> | T,
): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(stores, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      const failed = () =>
        reject(tx.error ?? new Error('the browser refused to store the collection without a reason'));
      tx.onerror = failed;
      tx.onabort = failed;
    });
    const result = await work(tx);
    await done;
    return result;
  } finally {
    db.close();
  }
}

// Photos per transaction: a bounded number of blobs read at once and of writes pending, however
// large the collection (one transaction of 50,000 never finished).
const PHOTOS_PER_WRITE = 500;

export async function savePhotos(photos: PhotoRecord[]): Promise<void> {
  for (let from = 0; from < photos.length; from += PHOTOS_PER_WRITE) {
    const chunk = photos.slice(from, from + PHOTOS_PER_WRITE);
    // Read before the transaction: it would commit while waiting for the bytes.
    const rows: StoredPhoto[] = await Promise.all(
      chunk.map(async (p) => ({
        id: p.id,
        name: p.name,
        ...(p.thumb && { thumb: { bytes: await p.thumb.arrayBuffer(), type: p.thumb.type } }),
      })),
    );
    const previews: StoredPreview[] = await Promise.all(
      chunk
        .filter((p) => p.preview)
        .map(async (p) => ({ id: p.id, bytes: await p.preview!.arrayBuffer(), type: p.preview!.type })),
    );
    await transact(['photos', 'previews'], 'readwrite', (tx) => {
      for (const row of rows) tx.objectStore('photos').put(row);
      for (const row of previews) tx.objectStore('previews').put(row);
    });
  }
}

export async function loadPreview(id: string): Promise<Blob | undefined> {
  const row = await transact(['previews'], 'readonly', (tx) =>
    request(tx.objectStore('previews').get(id) as IDBRequest<StoredPreview | undefined>),
  );
  return row && new Blob([row.bytes], { type: row.type });
}

// A stored row's thumbnail: collections saved before thumbnails were bytes hold Blobs.
function thumbOf(row: StoredPhoto): Blob | undefined {
  if (!row.thumb) return undefined;
  return row.thumb instanceof Blob ? row.thumb : new Blob([row.thumb.bytes], { type: row.thumb.type });
}

/** The stored records (with previews) of `ids`, read one by one, for putting them back after a removal. */
export async function loadPhotoRecords(ids: readonly string[]): Promise<PhotoRecord[]> {
  const rows = await transact(['photos', 'previews'], 'readonly', (tx) =>
    Promise.all(
      ids.map(async (id) => ({
        photo: await request(tx.objectStore('photos').get(id) as IDBRequest<StoredPhoto | undefined>),
        preview: await request(tx.objectStore('previews').get(id) as IDBRequest<StoredPreview | undefined>),
      })),
    ),
  );
  return rows
    .filter((row) => row.photo)
    .map(({ photo, preview }) => ({
      id: photo!.id,
      name: photo!.name,
      thumb: thumbOf(photo!),
      preview: preview && new Blob([preview.bytes], { type: preview.type }),
    }));
}

export function removePhotos(ids: readonly string[]): Promise<void> {
  return transact(['photos', 'previews'], 'readwrite', (tx) => {
    for (const id of ids) {
      tx.objectStore('photos').delete(id);
      tx.objectStore('previews').delete(id);
    }
  });
}

// One value of the 'state' store: the embeddings ('index') or the remembered folder ('folder').
function saveState(key: string, value: unknown): Promise<void> {
  return transact(['state'], 'readwrite', (tx) => {
    tx.objectStore('state').put(value, key);
  });
}

function loadState<T>(key: string): Promise<T | undefined> {
  return transact(['state'], 'readonly', (tx) =>
    request(tx.objectStore('state').get(key) as IDBRequest<T | undefined>),
  );
}

/** The folder the user let the page remember, and its name. */
export function saveFolderHandle(handle: FileSystemDirectoryHandle): Promise<void> {
  return saveState('folder', handle);
}

export function loadFolderHandle(): Promise<FileSystemDirectoryHandle | undefined> {
  return loadState<FileSystemDirectoryHandle>('folder');
}

export async function loadPhotos(): Promise<PhotoRecord[]> {
  const rows = await transact(['photos'], 'readonly', (tx) =>
    request(tx.objectStore('photos').getAll() as IDBRequest<StoredPhoto[]>),
  );
  return rows.map((row) => ({ id: row.id, name: row.name, thumb: thumbOf(row) }));
}

export function saveIndex(index: SavedIndex): Promise<void> {
  return saveState('index', index);
}

export function loadIndex(): Promise<SavedIndex | undefined> {
  return loadState<SavedIndex>('index');
}

/** Removes the thumbnails, previews and embeddings (the cached model files stay). */
export function clearCollection(): Promise<void> {
  return transact(['photos', 'previews', 'state'], 'readwrite', (tx) => {
    tx.objectStore('photos').clear();
    tx.objectStore('previews').clear();
    tx.objectStore('state').clear();
  });
}
