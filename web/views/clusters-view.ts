// Groups of similar photos: k-means on the embeddings (k chosen by silhouette, or given),
// largest group first and numbered in that order, each named by the package's vocabulary and
// led by its representative (the photo nearest its centre). Why that many groups is said in
// words; the silhouette numbers are behind a disclosure.
import type { ClusterResult } from 'clipscope';
import type { Collection } from '../collection.js';
import { GROUP_COLOURS } from '../group-colours.js';
import type { ClusterGroup, Clusters, Store } from '../store.js';
import { thumbList } from '../thumb-list.js';
import { $, describe, plural, say } from '../ui.js';

const SHOWN_PER_GROUP = 30;
const K_MAX = 12;

export class ClustersView {
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #openViewer: (id: string, order: string[]) => void;

  constructor(store: Store, collection: Collection, openViewer: (id: string, order: string[]) => void) {
    this.#store = store;
    this.#collection = collection;
    this.#openViewer = openViewer;
    for (let k = 2; k <= K_MAX; k++) $('cluster-k').append(new Option(`${k} groups`, String(k)));
    $('cluster-form').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.cluster();
    });
    store.subscribe((state, changed) => changed.has('clusters') && this.#render(state.clusters));
  }

  async cluster(): Promise<boolean> {
    const { photos, engine } = this.#store.state;
    const problem =
      this.#collection.unavailable() ?? (photos.size < 3 ? 'Add at least three photos to group them.' : undefined);
    if (problem) {
      say($('cluster-summary'), problem, true);
      return false;
    }
    const value = $<HTMLSelectElement>('cluster-k').value;
    say($('cluster-summary'), 'Grouping…');
    try {
      const result = await engine!.cluster({ k: value === 'auto' ? 'auto' : Number(value), kMax: K_MAX });
      const names = await engine!.nameClusters(result).catch(() => result.clusters.map(() => ''));
      this.#store.set({ clusters: toClusters(result, names) });
      return true;
    } catch (error) {
      say($('cluster-summary'), `Could not group the photos: ${describe(error)}`, true);
      return false;
    }
  }

  /** Shows the group of `id` (grouping first if needed). */
  async showGroup(id: string): Promise<void> {
    this.#store.set({ tab: 'clusters' });
    if (!this.#store.state.clusters && !(await this.cluster())) return;
    const group = this.#store.state.clusters!.groupOf.get(id);
    if (group === undefined) return;
    const section = document.querySelector<HTMLElement>(`#clusters .cluster[data-group="${group}"]`);
    section?.scrollIntoView({ block: 'start' });
    section?.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"] button`)?.focus();
  }

  #render(clusters: Clusters | undefined): void {
    if (!clusters) {
      $('clusters').replaceChildren();
      say($('cluster-summary'), '');
      $('silhouette-details').hidden = true;
      return;
    }
    const { groups, silhouette } = clusters;
    say(
      $('cluster-summary'),
      silhouette
        ? `${groups.length} groups fit best: photos are closer to their own group than to the next one more clearly than with ${silhouette.ks.filter((k) => k !== groups.length).join(', ')} groups.`
        : `${groups.length} groups, as asked.`,
    );
    $('silhouette-details').hidden = !silhouette;
    if (silhouette) {
      $<HTMLTableElement>('silhouette').tBodies[0].replaceChildren(
        ...silhouette.ks.map((k, i) => {
          const row = document.createElement('tr');
          row.className = k === silhouette.best ? 'best' : '';
          row.innerHTML = `<td>${k}${k === silhouette.best ? ' (chosen)' : ''}</td><td>${silhouette.scores[i].toFixed(3)}</td>`;
          return row;
        }),
      );
    }
    const { photos } = this.#store.state;
    $('clusters').replaceChildren(
      ...groups.map((group, g) => {
        const section = document.createElement('section');
        section.className = 'cluster';
        section.dataset.group = String(g);
        const title = document.createElement('h3');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = GROUP_COLOURS[g % GROUP_COLOURS.length];
        swatch.textContent = String(g + 1);
        title.append(swatch, `${group.name || `Group ${g + 1}`} · ${plural(group.ids.length, 'photo')}`);
        const shown = group.ids.slice(0, SHOWN_PER_GROUP).map((id) => ({
          id,
          url: photos.get(id)?.thumbUrl,
          caption: photos.get(id)?.name ?? id,
          badge: id === group.representative ? 'representative' : undefined,
        }));
        section.append(
          title,
          thumbList(shown, (id) => this.#openViewer(id, group.ids), 'cluster-row'),
        );
        if (group.ids.length > SHOWN_PER_GROUP) section.append(`and ${group.ids.length - SHOWN_PER_GROUP} more`);
        return section;
      }),
    );
  }
}

function toClusters(result: ClusterResult, names: string[]): Clusters {
  const groups: ClusterGroup[] = result.clusters
    .map((cluster, c) => ({
      name: names[c] ?? '',
      ids: cluster.members.map(String),
      representative: cluster.representative === undefined ? undefined : String(cluster.representative),
    }))
    .filter((group) => group.ids.length > 0)
    .sort((a, b) => b.ids.length - a.ids.length || a.name.localeCompare(b.name));
  const groupOf = new Map<string, number>();
  groups.forEach((group, g) => group.ids.forEach((id) => groupOf.set(id, g)));
  const silhouette = result.silhouette && { ...result.silhouette, best: result.k };
  return { groups, groupOf, silhouette };
}
