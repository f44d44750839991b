// Names for clusters: the vocabulary label nearest each cluster's centroid (the mean of its
// members' unit embeddings), clusters whose best label is surest choosing first, so two
// clusters get the same name only when the vocabulary runs out.
import type { EmbeddingIndex, Id } from './embedding-index.js';
import type { LabelSet } from './label-set.js';

// Members read per call while summing a centroid: bounded memory for huge clusters.
const ROWS_PER_READ = 4096;

export function clusterNames(
  index: Pick<EmbeddingIndex, 'dim' | 'rows'>,
  labels: LabelSet,
  clusters: ReadonlyArray<{ members: readonly Id[] }>,
): string[] {
  const dim = index.dim;
  const named = clusters.map((c, i) => i).filter((i) => clusters[i].members.length > 0);
  const centroids = new Float32Array(named.length * dim);
  named.forEach((c, row) => {
    const members = clusters[c].members;
    const sum = new Float64Array(dim);
    for (let from = 0; from < members.length; from += ROWS_PER_READ) {
      const { vectors } = index.rows({ ids: members.slice(from, from + ROWS_PER_READ) });
      for (let v = 0; v < vectors.length; v += dim) for (let d = 0; d < dim; d++) sum[d] += vectors[v + d];
    }
    // A centroid of unit vectors is zero only for exactly opposite members: nudge it.
    if (sum.every((x) => x === 0)) sum[0] = 1;
    centroids.set(Float32Array.from(sum), row * dim);
  });
  const choices = Math.min(labels.labels.length, Math.max(1, named.length));
  const best = labels.best(centroids, choices);
  const names = clusters.map(() => '');
  const taken = new Set<number>();
  const order = named.map((_, row) => row).sort((a, b) => best.scores[b * choices] - best.scores[a * choices]);
  for (const row of order) {
    let pick = best.labels[row * choices];
    for (let j = 0; j < choices; j++) {
      const label = best.labels[row * choices + j];
      if (!taken.has(label)) {
        pick = label;
        break;
      }
    }
    taken.add(pick);
    names[named[row]] = labels.labels[pick];
  }
  return names;
}
