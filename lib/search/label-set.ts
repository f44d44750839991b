// A list of text labels with their embeddings, held in an EmbeddingIndex so the best labels
// of many vectors come from one batched scan in the core.
import type { Id } from './embedding-index.js';
import { EmbeddingIndex } from './embedding-index.js';
import { InvalidArgumentError } from '../common/errors.js';

// Texts per text-encoder run while embedding a vocabulary: bounded memory for long lists.
const EMBED_CHUNK = 32;

export class LabelSet {
  readonly labels: readonly string[];
  /** The embedding of the empty text: what "saying nothing in particular" looks like. */
  readonly neutral: Float32Array;
  readonly #index: EmbeddingIndex;

  private constructor(labels: readonly string[], neutral: Float32Array, index: EmbeddingIndex) {
    this.labels = labels;
    this.neutral = neutral;
    this.#index = index;
  }

  /** Embeds `labels` with `embedTexts` (unit rows of `dim` floats per text). */
  static async create(
    labels: readonly string[],
    dim: number,
    embedTexts: (texts: readonly string[]) => Promise<Float32Array>,
  ): Promise<LabelSet> {
    if (!Array.isArray(labels) || labels.length === 0)
      throw new InvalidArgumentError('a vocabulary needs at least one label');
    const clean = labels.map((label, i) => {
      if (typeof label !== 'string' || !label.trim())
        throw new InvalidArgumentError(`vocabulary label ${i} is not a non-empty string`);
      return label.trim();
    });
    if (new Set(clean).size !== clean.length) throw new InvalidArgumentError('the vocabulary repeats a label');
    const index = await EmbeddingIndex.create(dim);
    let neutral: Float32Array;
    try {
      neutral = (await embedTexts([''])).slice(0, dim);
      for (let from = 0; from < clean.length; from += EMBED_CHUNK) {
        const texts = clean.slice(from, from + EMBED_CHUNK);
        index.addMany(
          texts.map((_, i) => from + i),
          await embedTexts(texts),
        );
      }
    } catch (error) {
      index.delete();
      throw error;
    }
    return new LabelSet(Object.freeze(clean), neutral, index);
  }

  /**
   * The `k` best labels of each of `count` vectors given back to back: label indices and
   * cosines, best first, `k` per vector.
   */
  best(vectors: Float32Array, k: number): { labels: Int32Array; scores: Float32Array } {
    const count = vectors.length / this.#index.dim;
    const kept = Math.min(k, this.labels.length);
    const labels = new Int32Array(count * kept);
    const scores = new Float32Array(count * kept);
    if (count === 0) return { labels, scores };
    this.#index.searchBatch(vectors, kept).forEach((hits, v) => {
      hits.ids.forEach((id: Id, j) => {
        labels[v * kept + j] = id as number;
        scores[v * kept + j] = hits.scores[j];
      });
    });
    return { labels, scores };
  }

  delete(): void {
    this.#index.delete();
  }
}
