// Near-duplicate clean-up: groups of photos at least this similar, each boxed with its size
// and how similar its photos are to each other; the user ticks what to keep (the first photo of
// each group to start with) and removes the rest in one action, with undo.
import type { Collection } from '../collection.js';
import type { Store } from '../store.js';
import { $, describe, plural, say } from '../ui.js';
import { offerUndo } from './undo-toast.js';

// Photos per group whose pairwise similarity is computed (a huge group shows a sample's range).
const PAIRWISE_LIMIT = 40;

/** What a similarity threshold means, in words. */
export function thresholdMeaning(threshold: number): string {
  if (threshold >= 0.98) return 'near-identical: the same picture re-saved, resized or lightly edited';
  if (threshold >= 0.95) return 'near duplicates: the same moment, such as burst shots or small crops';
  if (threshold >= 0.9) return 'very similar: the same scene from about the same place';
  return 'similar: the same kind of scene; many of these will not be duplicates';
}

export class DuplicatesView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #openViewer: (id: string, order: string[]) => void;
  #generation = 0;

  constructor(store: Store, collection: Collection, openViewer: (id: string, order: string[]) => void) {
    this.#store = store;
    this.#collection = collection;
    this.#openViewer = openViewer;
    $('threshold').addEventListener('input', () => void this.refresh());
    $('remove-duplicates').addEventListener('click', () => void this.#removeUnkept());
    $('duplicates').addEventListener('change', () => this.#countUnkept());
    store.subscribe((state, changed) => {
      if (state.tab === 'duplicates' && (changed.has('tab') || changed.has('photos') || changed.has('engine')))
        void this.refresh();
    });
    this.#describeThreshold();
  }

  #threshold(): number {
    return Number($<HTMLInputElement>('threshold').value);
  }

  #describeThreshold(): void {
    const threshold = this.#threshold();
    say($('threshold-value'), `${threshold.toFixed(3)}: ${thresholdMeaning(threshold)}`);
  }

  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    this.#describeThreshold();
    const threshold = this.#threshold();
    const problem =
      this.#collection.unavailable() ?? (this.#store.state.photos.size < 2 ? 'Add at least two photos.' : undefined);
    if (problem) return this.#message(problem, true);
    try {
      const engine = this.#store.state.engine!;
      const groups = (await engine.nearDuplicates(threshold))
        .map((g) => g.map(String))
        .sort((a, b) => b.length - a.length);
      const ranges = await Promise.all(groups.map((g) => this.#similarityRange(g)));
      if (generation !== this.#generation) return;
      if (!groups.length) return this.#message(`No photos are this similar (${threshold.toFixed(3)} or more).`);
      say(
        $('duplicates-summary'),
        `${plural(groups.length, 'group')} of near duplicates, ${plural(
          groups.reduce((n, g) => n + g.length, 0),
          'photo',
        )} in all.`,
      );
      $('duplicates').replaceChildren(...groups.map((group, g) => this.#box(group, g, ranges[g])));
      this.#countUnkept();
    } catch (error) {
      if (generation === this.#generation) this.#message(`Could not find near duplicates: ${describe(error)}`, true);
    }
  }

  #message(text: string, isError = false): void {
    say($('duplicates-summary'), text, isError);
    $('duplicates').replaceChildren();
    this.#countUnkept();
  }

  async #similarityRange(ids: string[]): Promise<[number, number]> {
    const sample = ids.slice(0, PAIRWISE_LIMIT);
    const { vectors } = await this.#store.state.engine!.index('rows', { ids: sample });
    const dim = vectors.length / sample.length;
    let low = Infinity;
    let high = -Infinity;
    for (let a = 0; a < sample.length; a++) {
      for (let b = a + 1; b < sample.length; b++) {
        let dot = 0;
        for (let d = 0; d < dim; d++) dot += vectors[a * dim + d] * vectors[b * dim + d];
        low = Math.min(low, dot);
        high = Math.max(high, dot);
      }
    }
    return [low, high];
  }

  #box(ids: string[], g: number, [low, high]: [number, number]): HTMLFieldSetElement {
    const photos = this.#store.state.photos;
    const box = document.createElement('fieldset');
    box.className = 'duplicate-group';
    box.dataset.group = String(g);
    const legend = document.createElement('legend');
    const range = low.toFixed(3) === high.toFixed(3) ? low.toFixed(3) : `${low.toFixed(3)}–${high.toFixed(3)}`;
    legend.textContent = `${plural(ids.length, 'photo')} · similarity ${range}`;
    const list = document.createElement('ol');
    list.className = 'thumb-row';
    ids.forEach((id, i) => {
      const item = document.createElement('li');
      item.className = 'thumb';
      item.dataset.id = id;
      const open = document.createElement('button');
      open.type = 'button';
      open.setAttribute('aria-label', `Open ${photos.get(id)?.name ?? id}`);
      const img = document.createElement('img');
      img.src = photos.get(id)?.thumbUrl ?? '';
      img.alt = '';
      open.append(img);
      open.addEventListener('click', () => this.#openViewer(id, ids));
      const keep = document.createElement('label');
      keep.className = 'keep';
      const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: i === 0 });
      box.dataset.id = id;
      keep.append(box, ` Keep ${photos.get(id)?.name ?? id}`);
      item.append(open, keep);
      list.append(item);
    });
    box.append(legend, list);
    return box;
  }

  #unkept(): string[] {
    const boxes = [...document.querySelectorAll<HTMLInputElement>('#duplicates .keep input')];
    const groups = new Map<string, HTMLInputElement[]>();
    for (const box of boxes) {
      const group = box.closest<HTMLElement>('.duplicate-group')!.dataset.group!;
      groups.set(group, [...(groups.get(group) ?? []), box]);
    }
    // A group with nothing ticked is left alone: removing every copy is never a clean-up.
    return [...groups.values()].flatMap((members) =>
      members.some((b) => b.checked) ? members.filter((b) => !b.checked).map((b) => b.dataset.id!) : [],
    );
  }

  #countUnkept(): void {
    const count = this.#unkept().length;
    const button = $<HTMLButtonElement>('remove-duplicates');
    button.hidden = count === 0 && !document.querySelector('#duplicates .duplicate-group');
    button.disabled = count === 0;
    button.textContent = count ? `Remove ${plural(count, 'photo')} not kept` : 'Tick the photos to keep';
  }

  async #removeUnkept(): Promise<void> {
    const ids = this.#unkept();
    if (!ids.length) return;
    try {
      const removed = await this.#collection.remove(ids);
      offerUndo(`Removed ${plural(ids.length, 'near duplicate')} from the collection.`, () =>
        this.#collection.restore(removed),
      );
    } catch (error) {
      say($('duplicates-summary'), `Could not remove them: ${describe(error)}`, true);
    }
  }
}
