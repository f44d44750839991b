// voy-search: a k-d tree in WASM. Its wasm-bindgen output imports the .wasm as an ES module,
// which Node cannot do, so the module is instantiated here by hand.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bindings = await import('voy-search/voy_search_bg.js');
const wasmPath = require.resolve('voy-search/voy_search_bg.wasm');
const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), {
  './voy_search_bg.js': bindings,
});
bindings.__wbg_set_wasm(instance.exports);

function resource(data, d, from, to) {
  const embeddings = [];
  for (let i = from; i < to; i++) {
    embeddings.push({ id: String(i), title: '', url: '', embeddings: Array.from(data.subarray(i * d, (i + 1) * d)) });
  }
  return { embeddings };
}

/** Builds in one call, or in chunks of `chunk` items through add(). */
export function voyBuild(data, d, chunk = Infinity) {
  const n = data.length / d;
  const voy = new bindings.Voy(resource(data, d, 0, Math.min(n, chunk)));
  for (let from = chunk; from < n; from += chunk) voy.add(resource(data, d, from, Math.min(n, from + chunk)));
  return voy;
}

export function voySearch(voy, query, k) {
  return voy.search(query, k).neighbors.map((neighbor) => Number(neighbor.id));
}
