// Adding photos (drop, pickers, a remembered folder, the samples) and the grid of the
// collection. Photos picked while a run is going wait in a queue: runs go one after another, each
// with its own AbortController, and every photo picked ends up in the collection or in the
// failure list (Cancel stops the current run and the queued ones, listing what was not added).
import type { EmbedProgress } from 'clipscope';
import type { Collection } from '../collection.js';
import { savePhotos, type PhotoRecord } from '../collection-store.js';
import { acceptDrops, isImageFile, photoId } from '../dropped-files.js';
import { canRememberFolders, pickRememberedFolder, rememberOriginals } from '../originals.js';
import { PhotoGrid } from '../photo-grid.js';
import type { Store } from '../store.js';
import { NO_PICTURE_URL } from '../no-picture.js';
import { makeThumbnails } from '../thumbnails.js';
import { $, describe, pickerButton, plural, say } from '../ui.js';

const CHUNK = 16; // photos per addImages call: thumbnails appear chunk by chunk

// A grey square where a stored photo has no thumbnail (the browser could not draw it).
async function placeholder(): Promise<{ thumb: Blob; preview: Blob }> {
  const canvas = new OffscreenCanvas(192, 192);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#cbd5e1';
  context.fillRect(0, 0, 192, 192);
  const thumb = await canvas.convertToBlob({ type: 'image/png' });
  return { thumb, preview: thumb };
}

interface Picked {
  id: string;
  file: File;
}

interface AddRun {
  items: Picked[];
  controller: AbortController;
}

export class PhotosView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly grid: PhotoGrid;
  readonly #queued: AddRun[] = [];
  #current: AddRun | undefined;
  readonly #pending = new Set<string>(); // queued or running, not yet in the collection

  constructor(store: Store, collection: Collection, openViewer: (id: string, order: string[]) => void) {
    this.#store = store;
    this.#collection = collection;
    this.grid = new PhotoGrid($('grid'), (id) => openViewer(id, [...store.state.photos.keys()]));
    const fromInput = (event: Event) => {
      const input = event.target as HTMLInputElement;
      this.add([...(input.files ?? [])].map((file) => ({ id: photoId(file), file })));
      input.value = '';
    };
    pickerButton($<HTMLButtonElement>('pick-photos'), $<HTMLInputElement>('photo-files'));
    $('pick-folder').addEventListener('click', () => void this.#pickFolder());
    $('photo-files').addEventListener('change', fromInput);
    $('photo-folder').addEventListener('change', fromInput);
    $('load-samples').addEventListener('click', () => void this.#loadSamples());
    $('cancel').addEventListener('click', () => this.cancel());
    acceptDrops($('drop-zone'), (files) => this.add(files.map((file) => ({ id: photoId(file), file }))));
    store.subscribe((state, changed) => {
      if (changed.has('photos')) this.#refresh();
      if (changed.has('tab') && state.tab === 'photos') this.grid.refresh();
      if (changed.has('engine') || changed.has('photos') || changed.has('savedModelKey')) void this.#reportMemory();
    });
  }

  // A remembered folder where the browser can (its originals stay viewable after a reload),
  // else the folder input.
  async #pickFolder(): Promise<void> {
    if (!canRememberFolders()) return $<HTMLInputElement>('photo-folder').click();
    try {
      this.add(await pickRememberedFolder());
    } catch (error) {
      if ((error as Error).name !== 'AbortError') this.#problem(`The folder could not be read: ${describe(error)}`);
    }
  }

  #refresh(): void {
    const photos = [...this.#store.state.photos.values()];
    this.grid.photos = photos.map((p) => ({
      id: p.id,
      name: p.name,
      url: p.thumbUrl,
      ...(p.thumbUrl === NO_PICTURE_URL && { caption: p.name }),
    }));
    $('empty').hidden = photos.length > 0;
  }

  async #reportMemory(): Promise<void> {
    const { engine, photos, savedModelKey } = this.#store.state;
    if (!engine || this.#collection.belongsElsewhere()) {
      const made = savedModelKey ? `, embedded with the ${savedModelKey} model` : '';
      say($('memory'), photos.size ? `${photos.size} photos stored on this device${made}.` : '');
      return;
    }
    const info = await engine.indexInfo();
    const perPhoto = info.size ? Math.round(info.memoryBytes / info.size) : 0;
    say(
      $('memory'),
      `${info.size} photos embedded · ${(info.memoryBytes / 1e6).toFixed(2)} MB of embeddings in WebAssembly memory (${perPhoto} bytes per photo, ${info.dim} dimensions, ${info.storage})` +
        (info.approximate ? ' · approximate search: a very few true neighbours may be missed' : ''),
    );
  }

  #problem(message: string): void {
    say($('embed-status'), message, true);
    $('progress-row').hidden = false;
  }

  #showFailures(failures: Array<{ name: string; message: string }>): void {
    const list = $('failure-list');
    for (const failure of failures) {
      const item = document.createElement('li');
      item.textContent = `${failure.name}: ${failure.message}`;
      list.append(item);
    }
    $('failures').hidden = list.childElementCount === 0;
    if (failures.length) ($('failures') as HTMLDetailsElement).open = true;
  }

  /** Whether photos are being added (imports wait for that). */
  get busy(): boolean {
    return this.#current !== undefined;
  }

  add(picked: Picked[]): void {
    const { engine, photos, savedModelKey } = this.#store.state;
    if (!engine) return this.#problem('Load a model first.');
    if (this.#collection.belongsElsewhere())
      return this.#problem(`Your collection was embedded with the ${savedModelKey} model: load it, or Clear first.`);
    if (!this.#current) $('failure-list').replaceChildren();
    const failures: Array<{ name: string; message: string }> = [];
    const seen = new Set<string>();
    const todo = picked.filter(({ id, file }) => {
      const problem = !isImageFile(file)
        ? 'not an image file'
        : photos.has(id)
          ? 'already in the collection'
          : this.#pending.has(id)
            ? 'already being added'
            : undefined;
      if (problem) failures.push({ name: id, message: problem });
      if (problem || seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    this.#showFailures(failures);
    if (!todo.length) return;
    for (const { id } of todo) this.#pending.add(id);
    this.#queued.push({ items: todo, controller: new AbortController() });
    if (this.#current) {
      const queuedPhotos = this.#queued.reduce((n, run) => n + run.items.length, 0);
      say($('queue-status'), `${plural(queuedPhotos, 'more photo')} queued`);
      return;
    }
    void this.#drain();
  }

  cancel(): void {
    for (const run of [this.#current, ...this.#queued]) run?.controller.abort();
  }

  /** Cancels every run and waits until they have stored what they finished. */
  async settle(): Promise<void> {
    this.cancel();
    while (this.#current || this.#queued.length) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  async #drain(): Promise<void> {
    $('cancel').hidden = false;
    try {
      for (let run = this.#queued.shift(); run; run = this.#queued.shift()) {
        this.#current = run;
        const queuedPhotos = this.#queued.reduce((n, r) => n + r.items.length, 0);
        say($('queue-status'), queuedPhotos ? `${plural(queuedPhotos, 'more photo')} queued` : '');
        await this.#embed(run);
      }
    } finally {
      this.#current = undefined;
      say($('queue-status'), '');
      $('cancel').hidden = true;
    }
  }

  // Thumbnails, previews and records for the photos the engine stored.
  async #record(items: Picked[], stored: Set<string>): Promise<void> {
    const kept = items.filter(({ id }) => stored.has(id));
    const records: PhotoRecord[] = await Promise.all(
      kept.map(async ({ id, file }) => ({ id, name: file.name, ...(await makeThumbnails(file).catch(placeholder)) })),
    );
    await savePhotos(records);
    rememberOriginals(kept);
    this.#collection.add(records);
  }

  async #embed(run: AddRun): Promise<void> {
    const todo = run.items;
    const { signal } = run.controller;
    const engine = this.#store.state.engine!;
    const bar = $<HTMLProgressElement>('embed-progress');
    const status = $('embed-status');
    $('progress-row').hidden = false;
    const started = performance.now();
    let done = 0;
    let failed = 0;
    let from = 0;
    const report = () => {
      const seconds = (performance.now() - started) / 1000;
      const rate = done / Math.max(seconds, 1e-3);
      const left = rate > 0 ? Math.ceil((todo.length - done) / rate) : 0;
      bar.value = done / todo.length;
      say(
        status,
        `${done} of ${todo.length} photos · ${rate.toFixed(1)} photos/s · ${left} s left${failed ? ` · ${failed} failed` : ''}`,
      );
    };
    report();
    try {
      for (; from < todo.length; from += CHUNK) {
        const chunk = todo.slice(from, from + CHUNK);
        const result = await engine.addImages(
          chunk.map(({ id, file }) => ({ id, image: file })),
          {
            batchSize: 8,
            signal,
            onProgress: (p: EmbedProgress) => {
              done = from + p.done;
              report();
            },
          },
        );
        failed += result.failures.length;
        this.#showFailures(result.failures.map((f) => ({ name: String(f.id), message: f.error.message })));
        await this.#record(chunk, new Set(result.added.map(String)));
        await this.#collection.persist(false);
        done = from + chunk.length;
        report();
      }
      await this.#collection.persist();
      say(
        status,
        `Added ${todo.length - failed} photos in ${((performance.now() - started) / 1000).toFixed(1)} s${failed ? `; ${failed} could not be added (see below)` : ''}.`,
      );
    } catch (error) {
      const cancelled = (error as Error | null)?.name === 'AbortError';
      // A cancelled chunk keeps what the engine stored before the cancel: record those too, and
      // list every photo of the run that is not in the collection.
      const rest = todo.slice(from);
      const stored = new Set<string>();
      for (const { id } of rest) if (await engine.index('has', id)) stored.add(id);
      await this.#record(rest, stored);
      await this.#collection.persist();
      const reason = cancelled ? 'cancelled before it was added' : `not added: ${describe(error)}`;
      this.#showFailures(rest.filter(({ id }) => !stored.has(id)).map(({ id }) => ({ name: id, message: reason })));
      say(
        status,
        cancelled
          ? `Cancelled: ${this.#store.state.photos.size} photos are in the collection.`
          : `Stopped: ${describe(error)}`,
        !cancelled,
      );
    } finally {
      for (const { id } of todo) this.#pending.delete(id);
    }
  }

  async #loadSamples(): Promise<void> {
    const button = $<HTMLButtonElement>('load-samples');
    button.disabled = true;
    try {
      const list = (await (await fetch('samples/index.json')).json()) as string[];
      const files = await Promise.all(
        list.map(
          async (path) =>
            new File([await (await fetch(`samples/${path}`)).blob()], path.split('/').pop()!, { type: '' }),
        ),
      );
      this.add(files.map((file) => ({ id: file.name, file })));
    } catch (error) {
      this.#problem(`The sample photos could not be loaded: ${describe(error)}`);
    } finally {
      button.disabled = false;
    }
  }
}
