// hnswlib-wasm: approximate HNSW graph search. In Node it needs a `window` to exist.
globalThis.window ??= globalThis;
const { loadHnswlib } = await import('hnswlib-wasm/dist/hnswlib.js');
const lib = await loadHnswlib();

export const hnswParams = { m: 16, efConstruction: 200, efSearch: 64 };

export function hnswBuild(data, d) {
  const n = data.length / d;
  const index = new lib.HierarchicalNSW('ip', d, '');
  index.initIndex(n, hnswParams.m, hnswParams.efConstruction, 100);
  index.setEfSearch(hnswParams.efSearch);
  const rows = Array.from({ length: n }, (_, i) => data.subarray(i * d, (i + 1) * d));
  index.addPoints(
    rows,
    Array.from({ length: n }, (_, i) => i),
    false,
  );
  return index;
}

export function hnswSearch(index, query, k) {
  return index.searchKnn(query, k, undefined).neighbors;
}
