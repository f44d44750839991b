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

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
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
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    const result = await work(tx);
    await done;
    return result;
  } finally {
    db.close();
  }
}

export function savePhotos(photos: PhotoRecord[]): Promise<void> {
  return transact(['photos'], 'readwrite', (tx) => {
    for (const photo of photos) tx.objectStore('photos').put(photo);
  });
}

export function loadPhotos(): Promise<PhotoRecord[]> {
  return transact(['photos'], 'readonly', (tx) =>
    request(tx.objectStore('photos').getAll() as IDBRequest<PhotoRecord[]>),
  );
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
