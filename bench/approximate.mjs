// Benchmark of the approximate index at 100,000 and 1,000,000 clustered 512-d embeddings, one
// thread, in one run: clipscope's ApproximateIndex (WASM) against its exact index (recall@10
// and speed-up), faiss's IndexIVFFlat and IndexIVFPQ (python3-faiss) at the same lists and
// nprobe, and the HNSW graphs a web developer would reach for (hnswlib-wasm, usearch's native
// addon) at 100,000. Build times include training.
//
// Usage: node bench/approximate.mjs [--sizes 100000,1000000] [--queries 100] [--runs 3]
//        [--hnsw-size 100000] [--out FILE]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Index, MetricKind } from 'usearch';
import { ApproximateIndex, EmbeddingIndex, init } from '../dist/index.js';
import { clusteredUnitVectors, recall } from './lib/data.mjs';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, timed } from './lib/stats.mjs';
import { hnswBuild, hnswParams, hnswSearch } from './peers/hnswlib.mjs';
import { core } from '../dist/wasm/core.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    queries: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    'hnsw-size': { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const nq = Number(args.queries);
const runs = Number(args.runs);
const hnswSize = Number(args['hnsw-size']);
const d = 512;
const k = 10;
const NPROBES = [1, 2, 4, 8, 16, 32, 64, 128];
const BATCH = 50_000; // vectors per addMany: what an app adding a large collection would do
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/approximate/`;
mkdirSync(dataDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);
const msOf = (seconds) => `${((min(seconds) / nq) * 1e3).toFixed(2)} / ${((median(seconds) / nq) * 1e3).toFixed(2)}`;

const each = (queries, fn) => {
  const out = [];
  for (let q = 0; q < nq; q++) out.push(...fn(queries.subarray(q * d, (q + 1) * d)));
  return out;
};

// Adds n rows of data with ids first, first + 1, ...
function addAll(index, data, n, first = 0) {
  for (let from = 0; from < n; from += BATCH) {
    const to = Math.min(n, from + BATCH);
    index.addMany(
      Array.from({ length: to - from }, (_, i) => first + from + i),
      data.subarray(from * d, to * d),
    );
  }
}

// The exact float32 index's single-query time and true top k. Above EXACT_PART vectors it is
// measured as parts of EXACT_PART scanned one after another, the hits merged: the same work as
// one index, but a 2 GB float32 index cannot grow next to its own copy in 4 GB of WASM memory.
const EXACT_PART = 250_000;
function exactSearch(data, n, queries) {
  const seconds = Array(runs).fill(0);
  const best = Array.from({ length: nq }, () => []);
  for (let from = 0; from < n; from += EXACT_PART) {
    const to = Math.min(n, from + EXACT_PART);
    const part = new EmbeddingIndex(d);
    addAll(part, data.subarray(from * d, to * d), to - from, from);
    timed(runs, () => each(queries, (q) => part.search(q, k).ids)).seconds.forEach((s, r) => (seconds[r] += s));
    part.searchBatch(queries, k).forEach((hits, q) => {
      hits.ids.forEach((id, i) => best[q].push({ id, score: hits.scores[i] }));
    });
    part.delete();
  }
  // Best first; equal scores in insertion order, as one index ranks them.
  const truth = best.flatMap((hits) =>
    hits
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, k)
      .map((h) => h.id),
  );
  return { seconds, truth };
}

function benchSize(n) {
  log(`n = ${n}: generating data`);
  const all = clusteredUnitVectors(n + nq, d, Math.max(10, n / 100), 0.6, n);
  const data = all.subarray(0, n * d);
  const queries = all.slice(n * d);
  const row = { n };

  log('  exact index (float32): single queries and the true top 10');
  const exact = exactSearch(data, n, queries);
  row.exactSingle = exact.seconds;
  const truth = exact.truth;

  log('  clipscope ApproximateIndex');
  let approx;
  row.build = timed(n >= 1_000_000 ? 1 : runs, () => {
    approx?.delete();
    approx = new ApproximateIndex(d);
    addAll(approx, data, n);
  }).seconds;
  row.info = approx.info();
  row.curve = NPROBES.filter((p) => p <= row.info.lists).map((nprobe) => {
    const run = timed(runs, () => each(queries, (q) => approx.search(q, k, { nprobe }).ids));
    return { nprobe, seconds: run.seconds, recall: recall(truth, run.result, k) };
  });
  const byDefault = timed(runs, () => each(queries, (q) => approx.search(q, k).ids));
  row.default = { nprobe: row.info.nprobe, seconds: byDefault.seconds, recall: recall(truth, byDefault.result, k) };
  log(
    `    build ${min(row.build).toFixed(1)} s, ${row.info.lists} lists, default nprobe ${row.info.nprobe}: recall ${row.default.recall.toFixed(3)}`,
  );
  approx.delete();

  log('  faiss IndexIVFFlat and IndexIVFPQ (same lists)');
  const paths = {
    data: `${dataDir}data-${n}.f32`,
    queries: `${dataDir}queries-${n}.f32`,
    truth: `${dataDir}truth-${n}.i32`,
  };
  writeFileSync(paths.data, data);
  writeFileSync(paths.queries, queries);
  writeFileSync(paths.truth, Int32Array.from(truth, Number));
  row.faiss = runPeer(`${root}bench/peers/faiss_ivf.py`, [
    paths.data,
    paths.queries,
    paths.truth,
    String(d),
    String(k),
    String(row.info.lists),
    row.curve.map((c) => c.nprobe).join(','),
    String(runs),
  ]);

  if (n === hnswSize) {
    log('  hnswlib-wasm (one build: minutes)');
    let hnsw;
    row.hnswBuild = timed(1, () => (hnsw = hnswBuild(data, d))).seconds;
    const hs = timed(runs, () => each(queries, (q) => hnswSearch(hnsw, q, k)));
    row.hnsw = { seconds: hs.seconds, recall: recall(truth, hs.result, k) };
    log('  usearch HNSW (native addon, one thread)');
    let usearch;
    row.usearchBuild = timed(1, () => {
      usearch = new Index({
        dimensions: d,
        metric: MetricKind.IP,
        connectivity: hnswParams.m,
        expansion_add: hnswParams.efConstruction,
        expansion_search: hnswParams.efSearch,
      });
      usearch.add(
        BigUint64Array.from({ length: n }, (_, i) => BigInt(i)),
        data,
        1,
      );
    }).seconds;
    const us = timed(runs, () => each(queries, (q) => Array.from(usearch.search(q, k, 1).keys, Number)));
    row.usearch = { seconds: us.seconds, recall: recall(truth, us.result, k) };
  }
  return row;
}

await init();
// One thread, as the peers here run (bench/threads.mjs times the core's threads).
core().useThreads(1);
const rows = sizes.map(benchSize);

// The fastest point of a curve that reaches `target` recall (undefined if none does).
const atRecall = (curve, target) =>
  curve.filter((c) => c.recall >= target).sort((a, b) => median(a.seconds) - median(b.seconds))[0];
const fmt = (x, digits = 2) => (x === undefined ? '–' : x.toFixed(digits));
const lines = [
  '## Approximate index (inverted file)',
  '',
  `Command: \`npm run bench -- approximate\` (\`node bench/approximate.mjs --sizes ${args.sizes} --queries ${nq} --runs ${runs} --hnsw-size ${hnswSize}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; faiss ${rows[0].faiss.versions.faiss}. One thread everywhere. ${bestBlas().summary}.`,
  `Data: 512-d clustered unit vectors (n/100 centres, noise 0.6; bench/lib/data.mjs), ${nq} queries from the same distribution; recall@${k} against the exact float32 index. Times per query are single queries (min / median of ${runs} runs, ms). clipscope adds in batches of ${BATCH.toLocaleString('en')} and trains itself (build includes every training); faiss trains on 48 vectors per list, the same lists.`,
  '',
];
for (const r of rows) {
  const exactMs = (median(r.exactSingle) / nq) * 1e3;
  lines.push(`### n = ${r.n.toLocaleString('en')}`, '');
  lines.push(
    `clipscope: built in ${fmt(min(r.build), 1)} s, ${r.info.lists} lists (trained at ${r.info.trainedSize.toLocaleString('en')}), ${fmt(r.info.memoryBytes / r.n, 0)} bytes per vector (codes, ids, lists, centroids). Exact float32 index: ${msOf(r.exactSingle)} ms per query${r.n > EXACT_PART ? ` (measured as ${Math.ceil(r.n / EXACT_PART)} indexes of ${EXACT_PART.toLocaleString('en')} scanned one after another: one float32 index of ${r.n.toLocaleString('en')} does not fit beside its own copy while it grows in 4 GB of WASM memory)` : ''}.`,
    '',
  );
  lines.push(
    '| nprobe | clipscope ms / query | recall@10 | vs exact | faiss IVFFlat ms | recall | faiss IVFPQ (64 bytes) ms | recall |',
  );
  lines.push('|---|---|---|---|---|---|---|---|');
  r.curve.forEach((c, i) => {
    const flat = r.faiss.IndexIVFFlat.curve[i];
    const pq = r.faiss.IndexIVFPQ.curve[i];
    lines.push(
      `| ${c.nprobe}${c.nprobe === r.info.nprobe ? ' (default)' : ''} | ${msOf(c.seconds)} | ${fmt(c.recall, 3)} | ${fmt(exactMs / ((median(c.seconds) / nq) * 1e3), 1)}× | ${msOf(flat.seconds)} | ${fmt(flat.recall, 3)} | ${msOf(pq.seconds)} | ${fmt(pq.recall, 3)} |`,
    );
  });
  lines.push('');
  const ours = atRecall(r.curve, 0.95);
  const flat = atRecall(r.faiss.IndexIVFFlat.curve, 0.95);
  lines.push('| measure | value |', '|---|---|');
  lines.push(`| build, clipscope (WASM) | ${fmt(min(r.build), 1)} s |`);
  lines.push(
    `| build, faiss IndexIVFFlat / IndexIVFPQ | ${fmt(r.faiss.IndexIVFFlat.build, 1)} s / ${fmt(r.faiss.IndexIVFPQ.build, 1)} s |`,
  );
  lines.push(
    `| bytes per vector: clipscope / faiss IVFFlat / IVFPQ (codes + ids) | ${fmt(r.info.memoryBytes / r.n, 0)} / ${r.faiss.IndexIVFFlat.bytes_per_vector} / ${r.faiss.IndexIVFPQ.bytes_per_vector} |`,
  );
  if (ours)
    lines.push(
      `| fastest clipscope point with recall ≥ 0.95 | nprobe ${ours.nprobe}: ${msOf(ours.seconds)} ms, **${fmt(exactMs / ((median(ours.seconds) / nq) * 1e3), 1)}×** the exact index |`,
    );
  if (ours && flat)
    lines.push(
      `| query time vs faiss IndexIVFFlat, both at recall ≥ 0.95 | faiss nprobe ${flat.nprobe}: ${msOf(flat.seconds)} ms; clipscope takes ${fmt(median(ours.seconds) / median(flat.seconds))}× faiss's time |`,
    );
  if (r.hnsw) {
    lines.push(
      `| hnswlib-wasm (M ${hnswParams.m}, efConstruction ${hnswParams.efConstruction}, ef ${hnswParams.efSearch}) | build ${fmt(r.hnswBuild[0], 1)} s (clipscope **${fmt(r.hnswBuild[0] / min(r.build), 1)}×** faster), ${msOf(r.hnsw.seconds)} ms per query, recall ${fmt(r.hnsw.recall, 3)}; at 1,000,000 its build projects to ~${fmt((r.hnswBuild[0] * 10 * Math.log(1e6)) / Math.log(r.n) / 60, 0)} minutes |`,
    );
    lines.push(
      `| usearch HNSW (native addon, same M and ef) | build ${fmt(r.usearchBuild[0], 1)} s, ${msOf(r.usearch.seconds)} ms per query, recall ${fmt(r.usearch.recall, 3)} |`,
    );
  }
  lines.push('');
}
const markdown = lines.join('\n');
if (args.out) writeSection(args.out, 'approximate', markdown);
process.stdout.write(markdown);
