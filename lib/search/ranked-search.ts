// Search that knows when nothing matches. Results are ranked by the composed query vector;
// when the query is a text alone, a photo is kept only if that text describes it about as
// well as the best label of a vocabulary of everyday subjects does (CLIP's zero-shot view: "is
// this query one of the best descriptions of this photo?"), and better than the empty text
// does. A nonsense query describes no photo better than "a beach" or "a dog" do, so it gets
// no results; a photo that an excluded term describes that well is dropped. The cut-off thus
// adapts to each query and each photo. With a photo in the query, the photo anchors it: the
// nearest photos count (only exclusions drop any).
import type { EmbeddingIndex, Id, SearchResult } from './embedding-index.js';
import type { LabelSet } from './label-set.js';

/**
 * How far (in cosine) the query may fall below a photo's best label and still describe it:
 * 0.025 is 2.5 logits at CLIP's temperature (100), the query at least 1/12 as probable as the
 * best label in a zero-shot classification.
 */
export const DEFAULT_RELEVANCE_TOLERANCE = 0.025;

/** Candidates looked at for relevance at most (more results need a larger `k`). */
export const DEFAULT_MAX_CANDIDATES = 2048;

export interface RankedQuery {
  /** The composed query vector (unit). */
  vector: Float32Array;
  /** The embedding of the text looked for when there is no photo: results must be described by it. */
  text?: Float32Array;
  /** Embeddings of the excluded terms: results they describe are dropped. */
  exclude: readonly Float32Array[];
  /** A stored photo the query was made from: left out of its own results. */
  leaveOut?: Id;
}

/** Search results with how the cut-off was made. */
export interface QueryResult extends SearchResult {
  /**
   * 'vocabulary': results cleared the relevance test above; 'none': a query with a photo and
   * no excluded terms, every nearest photo counts.
   */
  cutoff: 'vocabulary' | 'none';
  /** Whether asking for more results could give more. */
  more: boolean;
  /** Candidates looked at (best-ranked first) to find these results. */
  considered: number;
}

function dot(a: Float32Array, rows: Float32Array, row: number): number {
  const dim = a.length;
  let s = 0;
  for (let i = 0; i < dim; i++) s += a[i] * rows[row * dim + i];
  return s;
}

export function rankedSearch(
  index: Pick<EmbeddingIndex, 'size' | 'has' | 'search' | 'rows'>,
  labels: LabelSet | undefined,
  query: RankedQuery,
  k: number,
  tolerance = DEFAULT_RELEVANCE_TOLERANCE,
  maxCandidates = DEFAULT_MAX_CANDIDATES,
): QueryResult {
  const n = index.size;
  // An infinite tolerance ranks without judging.
  const judged = tolerance !== Infinity && (query.text !== undefined || query.exclude.length > 0);
  const leftOut = query.leaveOut !== undefined && index.has(query.leaveOut) ? 1 : 0;
  if (!judged || !labels) {
    const hits = index.search(query.vector, Math.min(n, k + leftOut));
    const keep = hits.ids.map((_, i) => i).filter((i) => hits.ids[i] !== query.leaveOut);
    const kept = keep.slice(0, k);
    return {
      ids: kept.map((i) => hits.ids[i]),
      scores: Float32Array.from(kept, (i) => hits.scores[i]),
      cutoff: 'none',
      more: n - leftOut > k,
      considered: hits.ids.length,
    };
  }
  const limit = Math.min(n, Math.max(maxCandidates, k + leftOut));
  let fetch = Math.min(limit, Math.max(4 * k + leftOut, 64));
  for (;;) {
    const hits = index.search(query.vector, fetch);
    const { vectors } = index.rows({ ids: hits.ids });
    const best = labels.best(vectors, 1).scores;
    const keep: number[] = [];
    for (let i = 0; i < hits.ids.length; i++) {
      if (hits.ids[i] === query.leaveOut) continue;
      const floor = best[i] - tolerance;
      if (query.text) {
        const score = dot(query.text, vectors, i);
        if (score < floor || score <= dot(labels.neutral, vectors, i)) continue;
      }
      if (query.exclude.some((term) => dot(term, vectors, i) >= floor)) continue;
      keep.push(i);
    }
    if (keep.length > k || fetch >= limit) {
      const kept = keep.slice(0, k);
      return {
        ids: kept.map((i) => hits.ids[i]),
        scores: Float32Array.from(kept, (i) => hits.scores[i]),
        cutoff: 'vocabulary',
        more: keep.length > k,
        considered: fetch,
      };
    }
    fetch = Math.min(limit, fetch * 4);
  }
}
