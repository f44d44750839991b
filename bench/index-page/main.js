// The index benchmark's browser half: the built package's WebAssembly core in this browser's
// engine, timed as bench/index-search.mjs times it in Node (build, single queries, one batch),
// on one thread, in one page for the whole run as Node runs it in one process. The data are
// the benchmark's own files, served from bench/data/.
import { EmbeddingIndex, init } from '/dist/index.js';
import { core } from '/dist/wasm/core.js';
import { warmUpIndex } from '/bench/lib/warm-index.mjs';

async function floats(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${path}`);
  return new Float32Array(await response.arrayBuffer());
}

function seconds(fn) {
  const start = performance.now();
  const result = fn();
  return [(performance.now() - start) / 1000, result];
}

/** One round over every storage: { [storage]: { build, single, batch, ids } } (seconds). */
window.benchIndex = async ({ dataPath, queriesPath, d, k, storages }) => {
  const [data, queries] = await Promise.all([floats(dataPath), floats(queriesPath)]);
  const n = data.length / d;
  const nq = queries.length / d;
  const ids = Array.from({ length: n }, (_, i) => i);
  const out = {};
  for (const storage of storages) {
    let index;
    const [build] = seconds(() => (index = new EmbeddingIndex(d, { storage })).addMany(ids, data));
    const [single, found] = seconds(() => {
      const all = [];
      for (let q = 0; q < nq; q++) all.push(...index.search(queries.subarray(q * d, (q + 1) * d), k).ids);
      return all;
    });
    const [batch] = seconds(() => index.searchBatch(queries, k));
    index.delete();
    out[storage] = { build, single, batch, ids: found };
  }
  return out;
};

await init();
core().useThreads(1); // one thread, as every engine of the benchmark runs
await warmUpIndex(EmbeddingIndex, 512, 10, ['float32', 'int8-exact', 'int8']);
document.getElementById('status').textContent = 'ready';
