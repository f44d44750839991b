// usearch's exact (brute-force) search through its native Node addon, one thread.
import { MetricKind, exactSearch } from 'usearch';

/** ids of the k best rows for every query (queries: nq·d floats). */
export function usearchExact(data, queries, d, k) {
  // exactSearch ignores a typed array's byteOffset: views into a larger buffer are copied
  // into fresh arrays (the harness's dataset starts at offset 0, so it is not copied).
  const fresh = (a) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : new Float32Array(a));
  const result = exactSearch(fresh(data), fresh(queries), d, k, MetricKind.IP, 1);
  return Array.from(result.keys ?? result.get(0).keys, Number);
}
