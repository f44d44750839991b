// The page's one state store: what every view reads, changed only through `set`, which tells
// the subscribers which keys changed. Views keep their own DOM; nothing else is shared.
import type { ClipscopeWorker } from 'clipscope';

export type ModelKey = 'default' | 'files' | 'test';
export type TabName = 'photos' | 'clusters' | 'map' | 'duplicates';

export interface Photo {
  id: string;
  name: string;
  /** Object URL of the stored thumbnail, or NO_PICTURE_URL (no-picture.ts). */
  thumbUrl: string;
}

export interface ClusterGroup {
  /** The vocabulary label nearest the group's centroid. */
  name: string;
  /** Closest to the centre first. */
  ids: string[];
  representative: string | undefined;
}

export interface Clusters {
  /** Largest first: group i is shown as number i + 1. */
  groups: ClusterGroup[];
  /** Display index of each photo's group. */
  groupOf: ReadonlyMap<string, number>;
  /** With k found automatically: the silhouette of each k tried. */
  silhouette?: { ks: number[]; scores: number[]; best: number };
}

export interface AppState {
  engine: ClipscopeWorker | undefined;
  modelKey: ModelKey | undefined;
  /** The model the stored embeddings belong to. */
  savedModelKey: string | undefined;
  photos: ReadonlyMap<string, Photo>;
  clusters: Clusters | undefined;
  tab: TabName;
}

export type Listener = (state: AppState, changed: ReadonlySet<keyof AppState>) => void;

export class Store {
  #state: AppState;
  readonly #listeners = new Set<Listener>();

  constructor(initial: AppState) {
    this.#state = initial;
  }

  get state(): AppState {
    return this.#state;
  }

  set(patch: Partial<AppState>): void {
    const changed = new Set(Object.keys(patch) as Array<keyof AppState>);
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state, changed);
  }

  subscribe(listener: Listener): void {
    this.#listeners.add(listener);
  }
}

export function initialState(): AppState {
  return {
    engine: undefined,
    modelKey: undefined,
    savedModelKey: undefined,
    photos: new Map(),
    clusters: undefined,
    tab: 'photos',
  };
}
