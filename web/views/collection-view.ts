// Export, import and clear. Import never drops the current collection without asking: with
// photos already here it asks whether to merge (add the photos not already there), replace, or
// cancel. Exports are what is stored on the device, so a collection made with another model than
// the one loaded is exported intact.
import type { Collection } from '../collection.js';
import { exportCollection, importCollection } from '../collection-file.js';
import { clearCollection, loadPhotos, saveIndex, savePhotos } from '../collection-store.js';
import { askImportChoice, type ImportChoice } from '../import-choice.js';
import { mergeSavedIndexes } from '../merge-collections.js';
import { forgetOriginals } from '../originals.js';
import type { Store } from '../store.js';
import { $, describe, pickerButton, say } from '../ui.js';

type ImportedCollection = Awaited<ReturnType<typeof importCollection>>;

export class CollectionView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #busy: () => boolean;

  constructor(store: Store, collection: Collection, busy: () => boolean) {
    this.#store = store;
    this.#collection = collection;
    this.#busy = busy;
    $('export').addEventListener('click', () => void this.#export());
    pickerButton($<HTMLButtonElement>('import'), $<HTMLInputElement>('import-file'));
    $('import-file').addEventListener('change', (event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      if (file) void this.#import(file);
      input.value = '';
    });
    $('clear').addEventListener('click', () => void this.#clear());
    store.subscribe((state, changed) => {
      if (!changed.has('photos')) return;
      $<HTMLButtonElement>('export').disabled = state.photos.size === 0;
      $<HTMLButtonElement>('clear').disabled = state.photos.size === 0;
    });
  }

  async #export(): Promise<void> {
    const saved = await this.#collection.saved();
    if (!saved) return say($('memory'), 'Nothing to export yet: add photos with a model first.', true);
    const blob = await exportCollection(await loadPhotos(), saved);
    const link = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(blob),
      download: 'photos.clipscope',
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  async #import(file: File): Promise<void> {
    const status = $('embed-status');
    $('progress-row').hidden = false;
    if (this.#busy())
      return say(status, 'Wait until the photos being added are in (or cancel them) before importing.', true);
    const { photos, modelKey, savedModelKey } = this.#store.state;
    try {
      const collection = await importCollection(file, modelKey ?? savedModelKey ?? 'default');
      let choice: ImportChoice = 'replace';
      if (photos.size > 0) {
        const ours = savedModelKey ?? modelKey;
        const sameModel = ours === undefined || collection.index.modelKey === ours;
        choice = await askImportChoice(
          `${file.name} holds ${collection.photos.length} photos; your collection has ${photos.size}.`,
          sameModel
            ? undefined
            : `Merging is not possible: ${file.name} was embedded with the ${collection.index.modelKey} model, your collection with the ${ours} model.`,
        );
      }
      if (choice === 'cancel') return say(status, `Import cancelled: your collection is unchanged.`);
      if (choice === 'merge') await this.#merge(file, collection);
      else await this.#replace(collection);
    } catch (error) {
      say(status, `Could not import ${file.name}: ${describe(error)}`, true);
    }
  }

  async #replace(collection: ImportedCollection): Promise<void> {
    const { engine, modelKey } = this.#store.state;
    if (engine && collection.index.modelKey === modelKey) await engine.load(collection.index.bytes.slice());
    await clearCollection();
    await savePhotos(collection.photos);
    await saveIndex(collection.index);
    this.#collection.forget();
    forgetOriginals();
    this.#store.set({ savedModelKey: collection.index.modelKey });
    this.#collection.add(collection.photos);
    const note =
      collection.index.modelKey === modelKey ? '' : ` Load the ${collection.index.modelKey} model to search it.`;
    say($('embed-status'), `Imported ${collection.photos.length} photos.${note}`);
  }

  async #merge(file: File, collection: ImportedCollection): Promise<void> {
    const current = await this.#collection.saved();
    if (!current) return this.#replace(collection);
    const { bytes, added } = await mergeSavedIndexes(current.bytes, collection.index.bytes);
    const addedIds = new Set(added);
    const { engine, modelKey, photos } = this.#store.state;
    const newPhotos = collection.photos.filter((photo) => addedIds.has(photo.id) && !photos.has(photo.id));
    if (engine && current.modelKey === modelKey) await engine.load(bytes.slice());
    await saveIndex({ modelKey: current.modelKey, bytes });
    await savePhotos(newPhotos);
    this.#collection.add(newPhotos);
    const kept = collection.photos.length - newPhotos.length;
    say(
      $('embed-status'),
      `Merged ${file.name}: added ${newPhotos.length} photos${kept ? `; ${kept} were already in your collection` : ''}.`,
    );
  }

  async #clear(): Promise<void> {
    if (!confirm('Remove all photos and embeddings from this device? The model stays cached.')) return;
    await clearCollection();
    await this.#store.state.engine?.index('clear');
    forgetOriginals();
    this.#store.set({ savedModelKey: undefined });
    this.#collection.forget();
  }
}
