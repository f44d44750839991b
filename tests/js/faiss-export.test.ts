// The hand-off to a server engine: an exported index loads in Debian's python3-faiss with
// faiss.read_index and finds the same neighbours for the same queries, for the exact index
// (IndexFlatIP) and the approximate one (IndexIVFFlat, same lists and nprobe), with integer ids
// kept and other ids as row numbers named by the export.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApproximateIndex, EmbeddingIndex, exportFaissIndex, type Id } from '../../dist/index.js';
import { randomVectors } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'clipscope-faiss-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const d = 32;
const n = 3000;
const data = randomVectors(n, d, 11);
const queries = randomVectors(20, d, 12);
writeFileSync(join(work, 'queries.f32'), queries);

// faiss's top 10 ids of every query, with nprobe set when given.
function faissSearch(file: string, nprobe?: number): number[][] {
  const code = `
import json, faiss, numpy as np
index = faiss.read_index(${JSON.stringify(file)})
${nprobe ? `faiss.extract_index_ivf(index).nprobe = ${nprobe}` : ''}
q = np.fromfile('queries.f32', dtype=np.float32).reshape(-1, ${d})
faiss.normalize_L2(q)
print(json.dumps({"ntotal": index.ntotal, "ids": index.search(q, 10)[1].tolist()}))`;
  const out = JSON.parse(execFileSync('/usr/bin/python3', ['-c', code], { cwd: work, encoding: 'utf8' }));
  expect(out.ntotal).toBe(n);
  return out.ids;
}

async function save(name: string, index: EmbeddingIndex | ApproximateIndex) {
  const exported = exportFaissIndex(index);
  writeFileSync(join(work, name), new Uint8Array(await exported.file.arrayBuffer()));
  return exported;
}

describe('exportFaissIndex', () => {
  it('writes the exact index as IndexIDMap2 over IndexFlatIP: the same neighbours, the same ids', async () => {
    const index = await EmbeddingIndex.create(d);
    index.addMany(
      Array.from({ length: n }, (_, i) => 1000 + i),
      data,
    );
    const exported = await save('flat.index', index);
    expect(exported.ids).toBeUndefined(); // integer ids are faiss's ids
    const ours = index.searchBatch(queries, 10).map((r) => r.ids);
    expect(faissSearch('flat.index')).toEqual(ours);
    index.delete();
  });

  it('writes the approximate index as IndexIVFFlat with its lists: the same neighbours at the same nprobe', async () => {
    const index = await ApproximateIndex.create(d, { lists: 24, exactScores: true });
    const names = Array.from({ length: n }, (_, i) => `photo-${i}.jpg`);
    index.addMany(names, data);
    index.train();
    const exported = await save('ivf.index', index);
    expect(exported.ids).toHaveLength(n); // string ids: faiss has row numbers, named here
    const theirs = faissSearch('ivf.index', 3).map((row) => row.map((i) => exported.ids![i]));
    const ours = index.searchBatch(queries, 10, { nprobe: 3 }).map((r) => r.ids);
    expect(theirs).toEqual(ours);
    // A different nprobe gives different results: the lists really are the same lists.
    const few = index.searchBatch(queries, 10, { nprobe: 1 }).map((r) => r.ids);
    expect(few).not.toEqual(ours);
    index.delete();
  });

  it('writes an untrained approximate index as one list', async () => {
    const index = await ApproximateIndex.create(d);
    index.addMany(
      Array.from({ length: n }, (_, i) => i),
      data,
    );
    expect(index.info().trained).toBe(false);
    await save('one-list.index', index);
    const ours: Id[][] = index.searchBatch(queries, 10).map((r) => r.ids);
    const theirs = faissSearch('one-list.index', 1);
    // One list scanned whole: faiss's exact scores; ours re-ranked against int8 codes.
    let same = 0;
    theirs.forEach((row, q) => (same += row.filter((id) => ours[q].includes(id)).length));
    expect(same / (10 * theirs.length)).toBeGreaterThanOrEqual(0.95);
    index.delete();
  });
});
