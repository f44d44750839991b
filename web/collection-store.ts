// The collection in IndexedDB: a thumbnail per photo (the photos stay the user's files) and the
// embeddings in clipscope's index format, with the model they came from.
export interface PhotoRecord {
  id: string;
  name: string;
  thumb: Blob;
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
  thumb: { bytes: ArrayBuffer; type: string } | Blob;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('the browser refused the IndexedDB request without a reason'));
  });
}

function open(): Promise<IDBDatabase> {
  const opening = indexedDB.open(DB_NAME, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore('photos', { keyPath: 'id' });
    opening.result.createObjectStore('state');
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

export async function savePhotos(photos: PhotoRecord[]): Promise<void> {
  // Read before the transaction: it would commit while waiting for the bytes.
  const rows: StoredPhoto[] = await Promise.all(
    photos.map(async (p) => ({ ...p, thumb: { bytes: await p.thumb.arrayBuffer(), type: p.thumb.type } })),
  );
  await transact(['photos'], 'readwrite', (tx) => {
    for (const row of rows) tx.objectStore('photos').put(row);
  });
}

export async function loadPhotos(): Promise<PhotoRecord[]> {
  const rows = await transact(['photos'], 'readonly', (tx) =>
    request(tx.objectStore('photos').getAll() as IDBRequest<StoredPhoto[]>),
  );
  // Collections saved before thumbnails were bytes hold Blobs: both read back.
  return rows.map((row) => ({
    ...row,
    thumb: row.thumb instanceof Blob ? row.thumb : new Blob([row.thumb.bytes], { type: row.thumb.type }),
  }));
}

export function saveIndex(index: SavedIndex): Promise<void> {
  return transact(['state'], 'readwrite', (tx) => {
    tx.objectStore('state').put(index, 'index');
  });
}

export function loadIndex(): Promise<SavedIndex | undefined> {
  return transact(['state'], 'readonly', (tx) =>
    request(tx.objectStore('state').get('index') as IDBRequest<SavedIndex | undefined>),
  );
}

/** Removes the thumbnails and embeddings (the cached model files stay). */
export function clearCollection(): Promise<void> {
  return transact(['photos', 'state'], 'readwrite', (tx) => {
    tx.objectStore('photos').clear();
    tx.objectStore('state').clear();
  });
}
