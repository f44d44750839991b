// The photo viewer: the photo large (the original while it is within reach, else the stored
// preview), and from it similar photos, its group, its near duplicates, a search that starts
// from it and moves toward words, and removal. Arrow keys step through the list it was opened
// from; Escape closes.
import type { Collection } from '../collection.js';
import { loadPreview } from '../collection-store.js';
import { findOriginal } from '../originals.js';
import type { Store } from '../store.js';
import { thumbList } from '../thumb-list.js';
import { $, describe, plural, say } from '../ui.js';
import { offerUndo } from './undo-toast.js';

export interface ViewerActions {
  showGroup(id: string): Promise<void>;
}

export class ViewerView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #actions: ViewerActions;
  readonly #dialog: HTMLDialogElement;
  #order: string[] = [];
  #at = 0;
  #imageUrl: string | undefined;
  #generation = 0;

  constructor(store: Store, collection: Collection, actions: ViewerActions) {
    this.#store = store;
    this.#collection = collection;
    this.#actions = actions;
    this.#dialog = $<HTMLDialogElement>('viewer');
    this.#dialog.addEventListener('keydown', (event) => {
      if ((event.target as HTMLElement).tagName === 'INPUT') return;
      if (event.key === 'ArrowRight') this.#step(1);
      else if (event.key === 'ArrowLeft') this.#step(-1);
      else return;
      event.preventDefault();
    });
    this.#dialog.addEventListener('close', () => this.#release());
    $('viewer-close').addEventListener('click', () => this.#dialog.close());
    $('viewer-next').addEventListener('click', () => this.#step(1));
    $('viewer-prev').addEventListener('click', () => this.#step(-1));
    $('viewer-similar').addEventListener('click', () => void this.#similar());
    $('viewer-duplicates').addEventListener('click', () => void this.#duplicates());
    $('viewer-group').addEventListener('click', () => {
      const id = this.id;
      this.#dialog.close();
      if (id) void this.#actions.showGroup(id);
    });
    $('viewer-remove').addEventListener('click', () => void this.#remove());
    $('viewer-refine').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $<HTMLInputElement>('viewer-refine-text').value.trim();
      if (text) void this.#related({ image: this.id!, text }, `Like this photo, and “${text}”`);
    });
    store.subscribe((_, changed) => {
      if (changed.has('photos') && this.#dialog.open && this.id && !store.state.photos.has(this.id)) this.#step(0);
    });
  }

  get id(): string | undefined {
    return this.#order[this.#at];
  }

  open(id: string, order: string[]): void {
    this.#order = order.includes(id) ? order : [id];
    this.#at = this.#order.indexOf(id);
    if (!this.#dialog.open) this.#dialog.showModal();
    void this.#show();
  }

  // Moves by delta (0: stay, or move on if the photo shown was removed), skipping removed photos.
  #step(delta: number): void {
    const photos = this.#store.state.photos;
    const alive = (i: number) => i >= 0 && i < this.#order.length && photos.has(this.#order[i]);
    let at = this.#at + delta;
    while (at >= 0 && at < this.#order.length && !alive(at)) at += delta || 1;
    if (!alive(at)) for (at = this.#at; at >= 0 && !alive(at);) at--;
    if (!alive(at)) return this.#dialog.close();
    const target = this.#order[at];
    this.#order = this.#order.filter((id) => photos.has(id));
    this.#at = this.#order.indexOf(target);
    void this.#show();
  }

  #release(): void {
    if (this.#imageUrl) URL.revokeObjectURL(this.#imageUrl);
    this.#imageUrl = undefined;
  }

  async #show(): Promise<void> {
    const generation = ++this.#generation;
    const id = this.id!;
    const photo = this.#store.state.photos.get(id);
    say($('viewer-name'), photo?.name ?? id);
    say($('viewer-position'), `${this.#at + 1} of ${this.#order.length}`);
    $<HTMLButtonElement>('viewer-prev').disabled = this.#at === 0;
    $<HTMLButtonElement>('viewer-next').disabled = this.#at >= this.#order.length - 1;
    $('viewer-related').replaceChildren();
    say($('viewer-related-title'), '');
    $('viewer-grant').hidden = true;
    const image = $<HTMLImageElement>('viewer-image');
    image.alt = photo?.name ?? id;
    image.src = photo?.thumbUrl ?? '';
    const original = await findOriginal(id);
    if (generation !== this.#generation) return;
    if (original.state === 'found') return this.#display(original.file, 'The original photo.');
    const preview = await loadPreview(id).catch(() => undefined);
    if (generation !== this.#generation) return;
    if (preview) this.#display(preview, 'A stored preview: the original is not within reach of this page.');
    else say($('viewer-source'), 'The thumbnail: the original is not within reach of this page.');
    if (original.state === 'needs-permission') {
      const grant = $('viewer-grant');
      grant.textContent = `Show the original (allow reading “${original.folder}” again)`;
      grant.hidden = false;
      grant.onclick = () =>
        void original.grant().then((granted) => {
          if (granted && generation === this.#generation) void this.#show();
        });
    }
  }

  #display(blob: Blob, source: string): void {
    this.#release();
    this.#imageUrl = URL.createObjectURL(blob);
    $<HTMLImageElement>('viewer-image').src = this.#imageUrl;
    say($('viewer-source'), source);
  }

  #list(ids: string[], title: string): void {
    const photos = this.#store.state.photos;
    say($('viewer-related-title'), title);
    const entries = ids.map((id) => ({ id, url: photos.get(id)?.thumbUrl, caption: photos.get(id)?.name ?? id }));
    const list = thumbList(entries, (id) => this.open(id, ids));
    list.id = 'viewer-related';
    $('viewer-related').replaceWith(list);
  }

  async #related(query: { image: string; text?: string }, title: string): Promise<void> {
    const problem = this.#collection.unavailable();
    if (problem) return say($('viewer-related-title'), problem, true);
    try {
      const result = await this.#store.state.engine!.search(query, { k: 12 });
      this.#list(result.ids.map(String), title);
    } catch (error) {
      say($('viewer-related-title'), `Could not search: ${describe(error)}`, true);
    }
  }

  #similar(): Promise<void> {
    return this.#related({ image: this.id! }, 'Similar photos');
  }

  async #duplicates(): Promise<void> {
    const problem = this.#collection.unavailable();
    if (problem) return say($('viewer-related-title'), problem, true);
    const id = this.id!;
    const groups = await this.#store.state.engine!.nearDuplicates(0.95);
    const group = groups.map((g) => g.map(String)).find((g) => g.includes(id));
    if (!group) return say($('viewer-related-title'), 'No near duplicates of this photo (similarity 0.95 or more).');
    this.#list(
      group.filter((other) => other !== id),
      `${plural(group.length - 1, 'near duplicate')} of this photo`,
    );
  }

  async #remove(): Promise<void> {
    const id = this.id!;
    const name = this.#store.state.photos.get(id)?.name ?? id;
    try {
      const removed = await this.#collection.remove([id]);
      offerUndo(`Removed ${name} from the collection.`, () => this.#collection.restore(removed));
    } catch (error) {
      say($('viewer-source'), `Could not remove it: ${describe(error)}`, true);
    }
  }
}
