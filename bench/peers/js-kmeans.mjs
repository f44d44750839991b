// The npm k-means libraries a web developer would reach for; both take arrays of arrays.
import { kmeans as mlKmeans } from 'ml-kmeans';
import skmeans from 'skmeans';

export function rowsOf(data, d) {
  return Array.from({ length: data.length / d }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
}

/** ml-kmeans with k-means++ and scikit-learn's default tolerance. */
export function runMlKmeans(rows, k, maxIter, seed) {
  const result = mlKmeans(rows, k, { initialization: 'kmeans++', maxIterations: maxIter, tolerance: 1e-4, seed });
  return { labels: result.clusters, iterations: result.iterations };
}

/** skmeans with k-means++ (it has no seed and no tolerance: it stops when labels settle). */
export function runSkmeans(rows, k, maxIter) {
  const result = skmeans(rows, k, 'kmpp', maxIter);
  return { labels: result.idxs, iterations: result.it };
}
