// The collection as the views share it: the photos in the store, their records in IndexedDB and
// their embeddings in the engine, kept in step. Removal keeps what it removed so it can be undone.
import type { Store } from './store.js';
import {
  loadIndex,
  loadPhotoRecords,
  removePhotos,
  saveIndex,
  savePhotos,
  type PhotoRecord,
} from './collection-store.js';
import { NO_PICTURE_URL } from './no-picture.js';

/** What a removal took away: enough to put it back. */
export interface Removed {
  records: PhotoRecord[];
  ids: string[];
  vectors: Float32Array;
}

export class Collection {
  readonly #store: Store;
  #lastPersisted = 0;

  constructor(store: Store) {
    this.#store = store;
  }

  add(records: PhotoRecord[]): void {
    if (!records.length) return;
    const photos = new Map(this.#store.state.photos);
    for (const r of records)
      photos.set(r.id, {
        id: r.id,
        name: r.name,
        thumbUrl: r.thumb ? URL.createObjectURL(r.thumb) : NO_PICTURE_URL,
      });
    this.#store.set({ photos, clusters: undefined });
  }

  forget(): void {
    for (const photo of this.#store.state.photos.values()) URL.revokeObjectURL(photo.thumbUrl);
    this.#store.set({ photos: new Map(), clusters: undefined });
  }

  /** The stored embeddings were made by another model than the one loaded: they cannot be searched. */
  belongsElsewhere(): boolean {
    const { photos, savedModelKey, modelKey } = this.#store.state;
    return photos.size > 0 && savedModelKey !== undefined && savedModelKey !== modelKey;
  }

  /** Why the collection cannot be searched now, if it cannot. */
  unavailable(): string | undefined {
    const { engine, photos, savedModelKey } = this.#store.state;
    if (!engine) return 'Load a model first.';
    if (!photos.size) return 'Add some photos first.';
    if (this.belongsElsewhere())
      return `Your collection was embedded with the ${savedModelKey} model: load it to search.`;
    return undefined;
  }

  /**
   * Saves the embeddings. During a long run at most every few seconds (`force` false), so the
   * cost stays linear in the collection size.
   */
  async persist(force = true): Promise<void> {
    const { engine, modelKey } = this.#store.state;
    if (!engine || !modelKey || this.belongsElsewhere()) return;
    if (!force && performance.now() - this.#lastPersisted < 3000) return;
    await saveIndex({ modelKey, bytes: await engine.save() });
    this.#store.set({ savedModelKey: modelKey });
    this.#lastPersisted = performance.now();
  }

  /** Removes photos from the engine, the device and the page; returns what undo needs. */
  async remove(ids: readonly string[]): Promise<Removed> {
    const { engine } = this.#store.state;
    if (!engine || this.belongsElsewhere()) throw new Error('load the model the collection was embedded with first');
    const records = await loadPhotoRecords(ids);
    const rows = await engine.index('rows', { ids: [...ids] });
    await engine.index('remove', [...ids]);
    await removePhotos(ids);
    await this.persist();
    const photos = new Map(this.#store.state.photos);
    for (const id of ids) {
      const photo = photos.get(id);
      if (photo) URL.revokeObjectURL(photo.thumbUrl);
      photos.delete(id);
    }
    this.#store.set({ photos, clusters: undefined });
    return { records, ids: rows.ids.map(String), vectors: rows.vectors };
  }

  async restore(removed: Removed): Promise<void> {
    const { engine } = this.#store.state;
    if (!engine) throw new Error('load a model first');
    await engine.index('addMany', removed.ids, removed.vectors);
    await savePhotos(removed.records);
    await this.persist();
    this.add(removed.records);
  }

  /** The saved embeddings, after saving the latest when the loaded model made them. */
  async saved(): ReturnType<typeof loadIndex> {
    const { engine } = this.#store.state;
    if (engine && !this.belongsElsewhere()) await this.persist();
    return loadIndex();
  }
}
