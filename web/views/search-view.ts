// Search: by text (with -excluded terms), by a photo, or by a photo and a text. Results come
// best first, only those the query really describes (the package's relevance cut-off), 24 at a
// time with "Show more"; a plain "no good match" when nothing clears the cut-off.
import type { QueryResult, SearchQuery } from 'clipscope';
import type { Collection } from '../collection.js';
import type { Store } from '../store.js';
import { thumbList } from '../thumb-list.js';
import { $, describe, say } from '../ui.js';

const PAGE = 24;

interface Shown {
  query: SearchQuery;
  title: string;
  k: number;
}

export class SearchView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #openViewer: (id: string, order: string[]) => void;
  #shown: Shown | undefined;
  #generation = 0;

  constructor(store: Store, collection: Collection, openViewer: (id: string, order: string[]) => void) {
    this.#store = store;
    this.#collection = collection;
    this.#openViewer = openViewer;
    $('text-search').addEventListener('submit', (event) => {
      event.preventDefault();
      const text = $<HTMLInputElement>('query').value.trim();
      if (text) void this.show({ text }, `Photos matching “${text}”`);
    });
    $('show-more').addEventListener('click', () => {
      if (this.#shown) void this.#run({ ...this.#shown, k: this.#shown.k + PAGE });
    });
    $('clear-results').addEventListener('click', () => this.clear());
    store.subscribe((state, changed) => {
      // Results of a removed photo, or of another model, are no longer right.
      if ((changed.has('photos') || changed.has('engine')) && this.#shown) void this.#run(this.#shown);
    });
  }

  show(query: SearchQuery, title: string): Promise<void> {
    return this.#run({ query, title, k: PAGE });
  }

  similarTo(id: string): Promise<void> {
    const name = this.#store.state.photos.get(id)?.name ?? id;
    return this.show({ image: id }, `Most similar to ${name}`);
  }

  clear(): void {
    this.#shown = undefined;
    this.#generation++;
    $('results-panel').hidden = true;
    $('results').replaceChildren();
  }

  async #run(shown: Shown): Promise<void> {
    const generation = ++this.#generation;
    this.#shown = shown;
    $('results-panel').hidden = false;
    const problem = this.#collection.unavailable();
    if (problem) return this.#problem(problem);
    $('results-panel').setAttribute('aria-busy', 'true');
    try {
      const result = await this.#store.state.engine!.search(shown.query, { k: shown.k });
      if (generation === this.#generation) this.#render(shown, result);
    } catch (error) {
      if (generation === this.#generation) this.#problem(`Could not search: ${describe(error)}`);
    } finally {
      if (generation === this.#generation) $('results-panel').removeAttribute('aria-busy');
    }
  }

  #problem(message: string): void {
    say($('results-title'), message, true);
    $('results').replaceChildren();
    $('no-match').hidden = true;
    $('show-more').hidden = true;
  }

  #render(shown: Shown, result: QueryResult): void {
    const { photos } = this.#store.state;
    const ids = result.ids.map(String);
    say($('results-title'), shown.title);
    $('no-match').hidden = ids.length > 0;
    const entries = ids.map((id, i) => ({
      id,
      url: photos.get(id)?.thumbUrl,
      caption: photos.get(id)?.name ?? id,
      title: `${photos.get(id)?.name ?? id} (similarity ${result.scores[i].toFixed(2)})`,
    }));
    const list = thumbList(entries, (id) => this.#openViewer(id, ids));
    list.id = 'results';
    list.setAttribute('aria-labelledby', 'results-title');
    $('results').replaceWith(list);
    $('show-more').hidden = !result.more;
    say($('results-count'), ids.length ? `${ids.length} best first${result.more ? '' : ', all that match'}` : '');
  }
}
