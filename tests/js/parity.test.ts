// WASM equals native: the native build (tests/cpp/golden_main.cpp, run by `npm test`) wrote
// data, queries, results and saved bytes to build/golden/; the WASM build must reproduce
// the same ids, bit-identical scores and byte-identical saved files.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, init, type StorageType } from '../../dist/index.js';

const golden = new URL('../../build/golden/', import.meta.url);
const cases = ['float32-d37', 'float32-d512', 'int8-d512', 'int8-d19', 'int8-exact-d64'];

interface Golden {
  dim: number;
  storage: StorageType;
  k: number;
  data: number[];
  queries: number[];
  results: Array<{ ids: number[]; scores: number[] }>;
}

await init();

describe.each(cases)('native parity: %s', (name) => {
  const jsonPath = new URL(`${name}.json`, golden);
  if (!existsSync(jsonPath)) {
    throw new Error(`${jsonPath.pathname} is missing: run \`npm test\`, which writes it from the native build`);
  }
  const g = JSON.parse(readFileSync(jsonPath, 'utf8')) as Golden;
  const nativeBytes = new Uint8Array(readFileSync(new URL(`${name}.bin`, golden)));
  const index = new EmbeddingIndex(g.dim, { storage: g.storage });
  index.addMany(
    Array.from({ length: g.data.length / g.dim }, (_, i) => i),
    Float32Array.from(g.data),
  );
  const queries = Float32Array.from(g.queries);
  const nq = queries.length / g.dim;

  it('search results have the same ids and bit-identical scores', () => {
    const batch = index.searchBatch(queries, g.k);
    for (let q = 0; q < nq; q++) {
      expect(batch[q].ids).toEqual(g.results[q].ids);
      expect(batch[q].scores).toEqual(Float32Array.from(g.results[q].scores));
    }
    const filter = Array.from({ length: g.data.length / g.dim }, (_, i) => i).filter((i) => i % 3 === 0);
    const filtered = index.search(queries.subarray(0, g.dim), g.k, { filter });
    expect(filtered.ids).toEqual(g.results[nq].ids);
    expect(filtered.scores).toEqual(Float32Array.from(g.results[nq].scores));
  });

  it('saves the same bytes, and loads the native file', async () => {
    expect(Buffer.compare(index.save(), nativeBytes)).toBe(0); // toEqual is slow on MBs
    const loaded = await EmbeddingIndex.load(nativeBytes);
    expect(loaded.searchBatch(queries, g.k)).toEqual(index.searchBatch(queries, g.k));
    loaded.delete();
  });
});
