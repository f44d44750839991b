// The high-level engine: a CLIP model and an embedding index together. Add images, search them
// by text or by image, classify.
import {
  ClipModel,
  type ClipModelOptions,
  type EmbedOptions,
  type ImageEmbeddings,
  type LabelScore,
  type StageTimings,
} from '../model/clip-model.js';
import type { ImageSource } from '../images/decode.js';
import { ApproximateIndex, type ApproximateIndexOptions } from '../search/approximate-index.js';
import { loadIndexFrom } from '../persistence/persistence.js';
import {
  EmbeddingIndex,
  type Id,
  type IndexOptions,
  type ItemCluster,
  type SearchResult,
  type StorageType,
} from '../search/embedding-index.js';
import { BusyError, ClipscopeError, InvalidArgumentError, OutOfMemoryError } from '../common/errors.js';
import type { ModelSource } from '../model/model-files.js';
import type { BackendInfo } from '../model/onnx-runtime.js';
import { coreThreads } from '../wasm/core.js';
import type { CoreThreads } from '../wasm/thread-support.js';
import { describeType, integerAtLeast, invalid } from '../common/validate.js';
import { PHOTO_VOCABULARY } from '../text/photo-vocabulary.js';
import { LabelSet } from '../search/label-set.js';
import { composeQuery, parseQuery } from '../search/query.js';
import { rankedSearch, type QueryResult } from '../search/ranked-search.js';
import { clusterNames } from '../search/cluster-names.js';

// Above this many images a fixed-k clustering starts k-means once instead of four times.
const MANY_FOR_ONE_START = 20_000;

/** Above this many images the engine moves them to an approximate index (by default). */
export const DEFAULT_APPROXIMATE_ABOVE = 100_000;

// Above this many images a fixed-k clustering uses mini-batch k-means, in batches this large.
const MINI_BATCH_ABOVE = 100_000;
const MINI_BATCH_SIZE = 1024;

/** Options of {@link Clipscope.create}: the model's, plus where it is and the index's. */
export interface ClipscopeOptions extends ClipModelOptions {
  /** Where the model's files are (default: Xenova/clip-vit-base-patch32 on the Hugging Face hub). */
  model?: ModelSource;
  /** Options of the (exact) embedding index. */
  index?: IndexOptions;
  /**
   * Above this many images the engine moves them into an {@link ApproximateIndex} (int8 codes
   * in inverted lists: about 570 bytes per image at 512 dims instead of 2,100; a query scans a
   * sixteenth of the lists instead of every image), and stays approximate from then on.
   * Default 100,000 (where one exact query scans 200 MB); `Infinity`: always exact.
   */
  approximateAbove?: number;
  /** Options of that approximate index. */
  approximate?: ApproximateIndexOptions;
}

/** An image to add, with the id it is stored under. */
export interface ImageItem {
  id: Id;
  image: ImageSource;
}

/**
 * How to cluster the stored images: a fixed k (k-means++ started 4 times, the best kept; once
 * above 20,000 images), or 'auto' (best silhouette from kMin to kMax).
 */
export interface ClusterOptions {
  /** Default 'auto'. */
  k?: number | 'auto';
  /** Range searched by 'auto'. Default 2 to min(10, n - 1). */
  kMin?: number;
  kMax?: number;
  /** Same seed, same clusters. Default 0. */
  seed?: number;
}

/**
 * What {@link Clipscope.search} looks for: a text (where `-word` and `-"a phrase"` are
 * excluded terms), a photo (a stored id or an image), or both.
 */
export interface SearchQuery {
  text?: string;
  image?: ImageSource | Id;
  /** More terms to stay away from. */
  exclude?: readonly string[];
  /** Weight of each excluded term against what is looked for, 0..1. Default 0.5. */
  excludeWeight?: number;
}

/** Options of {@link Clipscope.search}. */
export interface QueryOptions {
  /** Results wanted at most. Default 24. */
  k?: number;
  /**
   * How far (cosine) the query text may fall below a photo's best vocabulary label and still
   * count as describing it. Default 0.025; Infinity keeps every ranked photo.
   */
  tolerance?: number;
  /** Ranked candidates judged at most. Default 2048. */
  maxCandidates?: number;
}

/** Clusters of the stored images (spherical k-means on the embeddings). */
export interface ClusterResult {
  k: number;
  /** The item of every row, and its cluster. */
  ids: Id[];
  labels: Int32Array;
  /** Size, representative (closest to the centroid) and members of each cluster. */
  clusters: ItemCluster[];
  /** With k 'auto': the silhouette score of each k tried. */
  silhouette?: { ks: number[]; scores: number[] };
}

/** Options of {@link Clipscope.map}. */
export interface MapOptions {
  /** Default 'pca'. */
  layout?: 'pca' | 'umap';
  /** UMAP's seed: same seed, same map. Default 0. */
  seed?: number;
}

/** What {@link Clipscope.indexInfo} reports. */
export interface IndexInfo {
  size: number;
  dim: number;
  /** Bytes of WASM memory the embeddings, ids and lookup table hold. */
  memoryBytes: number;
  /** The approximate index keeps int8 codes (with float32 copies: 'int8-exact'). */
  storage: StorageType;
  /** Whether searches go through the approximate index (see `approximateAbove`). */
  approximate: boolean;
}

/** A 2-D map of the stored images: item i of `ids` is at (coords[2i], coords[2i + 1]). */
export interface MapResult {
  ids: Id[];
  coords: Float32Array;
  layout: 'pca' | 'umap';
}

/** What `addImages` did: the ids stored, and the items that failed with the reason. */
export interface AddImagesResult {
  added: Id[];
  failures: Array<{ id: Id; index: number; error: ClipscopeError }>;
  timings: StageTimings;
}

function defaultId(image: ImageSource, index: number): Id {
  if (typeof image === 'string') return image;
  if (image instanceof URL) return image.href;
  const named = image as { name?: unknown; webkitRelativePath?: unknown };
  if (typeof named.webkitRelativePath === 'string' && named.webkitRelativePath) return named.webkitRelativePath;
  if (typeof named.name === 'string' && named.name) return named.name;
  return index;
}

function isImageItem(value: unknown): value is ImageItem {
  return typeof value === 'object' && value !== null && 'id' in value && 'image' in value;
}

/**
 * A CLIP model plus an index of image embeddings: everything on the device.
 *
 * ```ts
 * const engine = await Clipscope.create({ model: '/models/clip-vit-base-patch32/' });
 * await engine.addImages(files, { onProgress: (p) => console.log(p.done, '/', p.total) });
 * const hits = await engine.searchByText('a photo of an elephant', 5);
 * ```
 */
export class Clipscope {
  readonly model: ClipModel;
  #index: EmbeddingIndex | ApproximateIndex;
  readonly #approximateAbove: number;
  readonly #approximateOptions: ApproximateIndexOptions;
  // After a move that did not fit, the size at which it is tried again.
  #retryMoveAt = 0;
  // The vocabulary's embeddings, made when first needed (search with text, cluster names).
  #labels: Promise<LabelSet> | undefined;
  #vocabulary: readonly string[] = PHOTO_VOCABULARY;

  private constructor(model: ClipModel, index: EmbeddingIndex, options: ClipscopeOptions) {
    this.model = model;
    this.#index = index;
    this.#approximateAbove = options.approximateAbove ?? DEFAULT_APPROXIMATE_ABOVE;
    this.#approximateOptions = options.approximate ?? {};
  }

  /**
   * The stored embeddings: an {@link EmbeddingIndex}, or an {@link ApproximateIndex} once the
   * collection has grown past `approximateAbove` (replaced by `load`).
   */
  get index(): EmbeddingIndex | ApproximateIndex {
    return this.#index;
  }

  /** Loads the model (see {@link ClipModel.load}) and creates an empty index. */
  static async create(options: ClipscopeOptions = {}): Promise<Clipscope> {
    const above = options.approximateAbove;
    if (above !== undefined && above !== Infinity) integerAtLeast(above, 0, 'approximateAbove');
    // The approximate index's options are checked now, not when the collection grows (they
    // do not depend on the dimension).
    (await ApproximateIndex.create(1, options.approximate)).delete();
    const model = await ClipModel.load(options.model, options);
    // The embedding size is known once an encoder ran: probe with one text or tiny image.
    return new Clipscope(model, await EmbeddingIndex.create(model.dim, options.index), options);
  }

  // Moves the images into an approximate index once there are more than `approximateAbove`
  // (counting `adding` more). The exact index is freed only once the copy is whole; a copy
  // that does not fit leaves it as it was (OutOfMemoryError). While the exact index is being
  // saved in pieces it stays, and the move waits for a later batch.
  #approximateIfLarge(adding: number): void {
    const exact = this.#index;
    if (!(exact instanceof EmbeddingIndex) || exact.size + adding <= this.#approximateAbove) return;
    const approximate = ApproximateIndex.fromIndex(exact, this.#approximateOptions);
    try {
      exact.delete();
    } catch (error) {
      approximate.delete();
      if (error instanceof BusyError) return;
      throw error;
    }
    this.#index = approximate;
  }

  // While adding, a move that does not fit is no failure: the images stay exact, and the copy
  // is tried again once the collection is a quarter larger.
  #approximateWhileAdding(adding: number): void {
    if (this.#index.size < this.#retryMoveAt) return;
    try {
      this.#approximateIfLarge(adding);
    } catch (error) {
      if (!(error instanceof OutOfMemoryError)) throw error;
      this.#retryMoveAt = Math.ceil(this.#index.size * 1.25);
    }
  }

  /** Which backend runs the encoders, and why. */
  get backend(): BackendInfo {
    return this.model.backend;
  }

  /** How many threads clipscope's core runs its parallel work on (search, clustering), and why. */
  get coreThreads(): CoreThreads {
    return coreThreads();
  }

  /**
   * Embeds images and stores them. Items are images (id: the file's path or name, the URL,
   * else the number of items stored before it) or `{ id, image }`. A failing image (corrupt, too large, duplicate id) is listed
   * in `failures` and the others are stored. Cancelling with `signal` keeps the images stored
   * so far and rejects with the signal's reason.
   */
  async addImages(items: readonly (ImageSource | ImageItem)[], options: EmbedOptions = {}): Promise<AddImagesResult> {
    if (!Array.isArray(items)) invalid(`images must be an array, got ${describeType(items)}`);
    const ids = items.map((item, i) => (isImageItem(item) ? item.id : defaultId(item, this.index.size + i)));
    const images = items.map((item) => (isImageItem(item) ? item.image : item));
    const added: Id[] = [];
    const storeFailures: AddImagesResult['failures'] = [];
    // Stored batch by batch as the model finishes them, so a cancel keeps what was done.
    const embedded = await this.model.embedImages(images, {
      batchSize: options.batchSize,
      signal: options.signal,
      onBatch: ({ indices, embeddings, dim }) => {
        this.#approximateWhileAdding(indices.length);
        indices.forEach((index, row) => {
          try {
            this.index.add(ids[index], embeddings.subarray(row * dim, (row + 1) * dim));
            added.push(ids[index]);
          } catch (error) {
            storeFailures.push({ id: ids[index], index, error: error as ClipscopeError });
          }
        });
      },
      onProgress: (progress) => options.onProgress?.({ ...progress, failed: progress.failed + storeFailures.length }),
    });
    const failures = [
      ...embedded.failures.map((f) => ({ id: ids[f.index], index: f.index, error: f.error })),
      ...storeFailures,
    ];
    failures.sort((a, b) => a.index - b.index);
    return { added, failures, timings: embedded.timings };
  }

  /** Embeds images without storing them; see {@link ClipModel.embedImages}. */
  embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<ImageEmbeddings> {
    return this.model.embedImages(images, options);
  }

  /** Embeds texts: `texts.length` unit rows of `dim` floats. */
  embedTexts(texts: readonly string[]): Promise<Float32Array> {
    return this.model.embedTexts(texts);
  }

  /** Size, dimension, memory and storage of the index. */
  indexInfo(): IndexInfo {
    const index = this.index;
    const approximate = index instanceof ApproximateIndex;
    const storage = approximate ? (index.info().exactScores ? 'int8-exact' : 'int8') : index.storage;
    return { size: index.size, dim: index.dim, memoryBytes: index.memoryBytes, storage, approximate };
  }

  /** The k stored images closest to a text. */
  async searchByText(text: string, k: number): Promise<SearchResult> {
    if (typeof text !== 'string') invalid(`text must be a string, got ${describeType(text)}`);
    integerAtLeast(k, 1, 'k');
    const query = await this.model.embedText(text);
    return this.index.search(query, Math.min(k, Math.max(1, this.index.size)));
  }

  /**
   * The k stored images closest to an image, or to a stored item given by id (which is then
   * left out of its own results).
   */
  async searchByImage(imageOrId: ImageSource | Id, k: number): Promise<SearchResult> {
    integerAtLeast(k, 1, 'k');
    const { vector, storedId } = await this.#imageVector(imageOrId);
    if (storedId !== undefined) {
      const found = this.index.search(vector, Math.min(k + 1, this.index.size));
      const keep = found.ids
        .map((id, i) => i)
        .filter((i) => found.ids[i] !== storedId)
        .slice(0, k);
      return { ids: keep.map((i) => found.ids[i]), scores: Float32Array.from(keep, (i) => found.scores[i]) };
    }
    return this.index.search(vector, Math.min(k, Math.max(1, this.index.size)));
  }

  // A stored item's vector (and its id, which searches leave out), or the image's embedding.
  async #imageVector(imageOrId: ImageSource | Id): Promise<{ vector: Float32Array; storedId?: Id }> {
    if ((typeof imageOrId === 'number' || typeof imageOrId === 'string') && this.index.has(imageOrId))
      return { vector: this.index.get(imageOrId), storedId: imageOrId };
    if (typeof imageOrId === 'number') throw new InvalidArgumentError(`no stored item has id ${imageOrId}`);
    return { vector: await this.model.embedImage(imageOrId) };
  }

  /** Zero-shot classification of an image, or of a stored item by id, over text labels. */
  async classify(imageOrId: ImageSource | Id, labels: readonly string[]): Promise<LabelScore[]> {
    const stored = (typeof imageOrId === 'number' || typeof imageOrId === 'string') && this.index.has(imageOrId);
    return this.model.classify(stored ? this.index.get(imageOrId as Id) : (imageOrId as ImageSource), labels);
  }

  /** Clusters the stored images by their embeddings (cosine). Needs at least 2 images. */
  cluster(options: ClusterOptions = {}): ClusterResult {
    const n = this.index.size;
    if (n < 2) throw new InvalidArgumentError(`clustering needs at least 2 images, there are ${n}`);
    const seed = options.seed ?? 0;
    const k = options.k ?? 'auto';
    if (k === 'auto') {
      const kMax = Math.min(options.kMax ?? 10, n - 1);
      const kMin = Math.min(options.kMin ?? 2, kMax);
      if (kMax < 2) {
        const single = this.index.kmeans(1, { metric: 'cosine', seed });
        return {
          k: 1,
          ids: single.ids,
          labels: single.labels,
          clusters: this.index.clusterSummaries(single, { metric: 'cosine' }),
        };
      }
      const auto = this.index.autoK({ kMin, kMax, metric: 'cosine', seed, nInit: 3 });
      const clustering = { ...auto.best, ids: auto.ids };
      return {
        k: auto.bestK,
        ids: auto.ids,
        labels: auto.best.labels,
        clusters: this.index.clusterSummaries(clustering, { metric: 'cosine' }),
        silhouette: { ks: auto.ks, scores: auto.scores },
      };
    }
    // Several starts guard a small collection against a poor one; a large one gets a good
    // k-means++ start from one (and four would take seconds).
    const nInit = n > MANY_FOR_ONE_START ? 1 : 4;
    const miniBatch = n > MINI_BATCH_ABOVE ? MINI_BATCH_SIZE : 0;
    const clustering = this.index.kmeans(k, { metric: 'cosine', seed, nInit, miniBatch });
    return {
      k,
      ids: clustering.ids,
      labels: clustering.labels,
      clusters: this.index.clusterSummaries(clustering, { metric: 'cosine' }),
    };
  }

  /**
   * A 2-D map of the stored images: `'pca'` (the default; instant, needs 2) places them by the
   * two main directions of their embeddings; `'umap'` (needs 3; seconds at 10,000 images)
   * keeps each image's nearest neighbours near it.
   */
  map(options: MapOptions = {}): MapResult {
    const layout = options.layout ?? 'pca';
    if (layout !== 'pca' && layout !== 'umap') invalid(`layout must be 'pca' or 'umap', got ${describeType(layout)}`);
    const { ids, coords } = layout === 'umap' ? this.index.umap2d({ seed: options.seed }) : this.index.pca2d();
    return { ids, coords, layout };
  }

  /** Groups of near-identical images (cosine ≥ threshold). */
  nearDuplicates(threshold = 0.95): Id[][] {
    return this.index.nearDuplicates(threshold);
  }

  /**
   * Searches with a text, a photo or both, best first, keeping only the photos the text
   * describes (see {@link QueryOptions.tolerance}): `"beach"`, `"beach -people"`,
   * `{ text: 'at night', image: 'IMG_0042.jpg' }`. A nonsense text gets no results.
   */
  async search(query: string | SearchQuery, options: QueryOptions = {}): Promise<QueryResult> {
    const q: SearchQuery = typeof query === 'string' ? { text: query } : query;
    if (typeof q !== 'object' || q === null) invalid(`query must be a string or an object, got ${describeType(q)}`);
    if (q.text !== undefined && typeof q.text !== 'string')
      invalid(`query text must be a string, got ${describeType(q.text)}`);
    const k = integerAtLeast(options.k ?? 24, 1, 'k');
    const tolerance = options.tolerance ?? undefined;
    if (tolerance !== undefined && !(tolerance >= 0)) invalid(`tolerance must be 0 or more, got ${tolerance}`);
    const maxCandidates =
      options.maxCandidates === undefined ? undefined : integerAtLeast(options.maxCandidates, 1, 'maxCandidates');
    const parsed = parseQuery(q.text ?? '');
    const extra = q.exclude ?? [];
    if (!Array.isArray(extra) || extra.some((term) => typeof term !== 'string' || !term.trim()))
      invalid('exclude must be an array of non-empty strings');
    const exclude = [...parsed.exclude, ...extra.map((term) => term.trim())];
    const texts = parsed.text ? [parsed.text, ...exclude] : exclude;
    const dim = this.model.dim;
    const embedded = texts.length ? await this.model.embedTexts(texts) : new Float32Array(0);
    const row = (i: number) => embedded.subarray(i * dim, (i + 1) * dim);
    const text = parsed.text ? row(0) : undefined;
    const excluded = exclude.map((_, j) => row(j + (text ? 1 : 0)));
    const photo = q.image === undefined ? undefined : await this.#imageVector(q.image);
    const image = photo?.vector;
    const leaveOut = photo?.storedId;
    const include = [text, image].filter((v): v is Float32Array => v !== undefined);
    if (!include.length)
      invalid(
        exclude.length
          ? 'the query only excludes: give something to look for'
          : 'the query is empty: give a text or a photo',
      );
    const vector = composeQuery(include, excluded, dim, q.excludeWeight);
    // Only a text alone is judged for relevance: with a photo, the photo anchors the query.
    const judged = image ? undefined : text;
    const labels = judged || excluded.length ? await this.#labelSet() : undefined;
    const ranked = { vector, text: judged, exclude: excluded, leaveOut };
    return rankedSearch(this.index, labels, ranked, k, tolerance, maxCandidates);
  }

  /**
   * A name for each cluster: the vocabulary label closest to its centroid, no two clusters
   * named alike while labels last ('' for an empty cluster).
   */
  async nameClusters(result: Pick<ClusterResult, 'clusters'>): Promise<string[]> {
    return clusterNames(this.index, await this.#labelSet(), result.clusters);
  }

  /** Replaces the vocabulary (labels for search relevance and cluster names); none: the built-in one. */
  async useVocabulary(labels: readonly string[] = PHOTO_VOCABULARY): Promise<void> {
    const next = await LabelSet.create(labels, this.model.dim, (texts) => this.model.embedTexts(texts));
    const previous = this.#labels;
    this.#labels = Promise.resolve(next);
    this.#vocabulary = next.labels;
    (await previous?.catch(() => undefined))?.delete();
  }

  /** The labels in use (the built-in {@link PHOTO_VOCABULARY} unless replaced). */
  get vocabulary(): readonly string[] {
    return this.#vocabulary;
  }

  #labelSet(): Promise<LabelSet> {
    if (!this.#labels) {
      const making = LabelSet.create(this.#vocabulary, this.model.dim, (texts) => this.model.embedTexts(texts));
      this.#labels = making;
      making.catch(() => {
        if (this.#labels === making) this.#labels = undefined; // try again next time
      });
    }
    return this.#labels;
  }

  /** The stored embeddings and ids in clipscope's versioned index format. */
  save(): Uint8Array {
    return this.index.save();
  }

  /**
   * Replaces the stored embeddings with saved ones, exact or approximate (checked before
   * anything is replaced); an exact collection above `approximateAbove` becomes approximate.
   */
  async load(bytes: Uint8Array): Promise<void> {
    if (!(bytes instanceof Uint8Array)) invalid(`saved index must be a Uint8Array, got ${describeType(bytes)}`);
    const loaded = await loadIndexFrom([bytes], { totalBytes: bytes.length });
    if (loaded.dim !== this.model.dim) {
      loaded.delete();
      throw new InvalidArgumentError(`saved embeddings have ${loaded.dim} dims, this model gives ${this.model.dim}`);
    }
    const previous = this.#index;
    this.#index = loaded;
    try {
      this.#approximateIfLarge(0);
    } catch (error) {
      this.#index = previous;
      loaded.delete();
      throw error;
    }
    previous.delete();
  }

  /** Frees the model and the index. */
  async delete(): Promise<void> {
    const labels = this.#labels;
    this.#labels = undefined;
    (await labels?.catch(() => undefined))?.delete();
    await this.model.delete();
    this.index.delete();
  }

  /** `await using engine = await Clipscope.create(...)` frees it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.delete();
  }
}

/** Loads a model and creates an engine: `await createClipscope({ model, backend })`. */
export function createClipscope(options: ClipscopeOptions = {}): Promise<Clipscope> {
  return Clipscope.create(options);
}
