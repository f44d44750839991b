// A WebAssembly module starts in V8's baseline compiler and moves hot functions to the
// optimising one in the background. The index benchmark runs every kernel on a small index
// first and lets that finish, so that its first timed round measures the optimised code, in
// Node as in the browser page.

/** Builds and searches a small index of every storage, three times, pausing between passes. */
export async function warmUpIndex(EmbeddingIndex, d, k, storages) {
  const n = 2048;
  const data = new Float32Array(n * d).map((_, i) => Math.sin(i * 0.37) + 1.1);
  const ids = Array.from({ length: n }, (_, i) => i);
  for (let pass = 0; pass < 3; pass++) {
    for (const storage of storages) {
      const index = new EmbeddingIndex(d, { storage });
      index.addMany(ids, data);
      for (let q = 0; q < 20; q++) index.search(data.subarray(q * d, (q + 1) * d), k);
      index.searchBatch(data.subarray(0, 20 * d), k);
      index.delete();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
