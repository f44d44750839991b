// Benchmark of the embedding index: clipscope (WASM and native) against the libraries a web
// developer would use instead, on the same clustered 512-d unit vectors, in one run.
//
// Usage: node bench/index-search.mjs [--sizes 10000,100000] [--queries 100] [--runs 3] [--out FILE]
// Prints a Markdown section; with --out, writes it into that file's `index` section.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EmbeddingIndex, init } from '../dist/index.js';
import { clusteredUnitVectors, recall } from './lib/data.mjs';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, ms, ratio, timed } from './lib/stats.mjs';
import { hnswBuild, hnswParams, hnswSearch } from './peers/hnswlib.mjs';
import { plainSearch } from './peers/plain-js.mjs';
import { usearchExact } from './peers/usearch.mjs';
import { voyBuild, voySearch } from './peers/voy.mjs';
import { core } from '../dist/wasm/core.js';
import { openIndexBrowser } from './lib/index-in-browser.mjs';
import { warmUpIndex } from './lib/warm-index.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    queries: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const nq = Number(args.queries);
const runs = Number(args.runs);
const d = 512;
const k = 10;
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/`;
mkdirSync(dataDir, { recursive: true });

const log = (text) => process.stderr.write(`${text}\n`);

function nativeRun(dataPath, queriesPath, nativeRuns) {
  const exe = `${root}build/native-release/bench/native/clipscope_bench`;
  return JSON.parse(
    execFileSync(exe, [dataPath, queriesPath, String(d), String(k), String(nativeRuns)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
}

function pythonRun(dataPath, queriesPath) {
  const script = `${root}bench/peers/numpy_faiss.py`;
  return runPeer(script, [dataPath, queriesPath, String(d), String(k), String(runs)]);
}

function eachQuery(queries, fn) {
  const ids = [];
  for (let q = 0; q < nq; q++) ids.push(...fn(queries.subarray(q * d, (q + 1) * d)));
  return ids;
}

async function benchSize(n, browser) {
  log(`n = ${n}: generating data`);
  const all = clusteredUnitVectors(n + nq, d, Math.max(10, n / 100), 0.6, n);
  const data = all.slice(0, n * d); // its own buffer: usearch needs byteOffset 0
  const queries = all.slice(n * d);
  const dataPath = `${dataDir}index-${n}.f32`;
  const queriesPath = `${dataDir}index-${n}-queries.f32`;
  writeFileSync(dataPath, data);
  writeFileSync(queriesPath, queries);
  const ids = Array.from({ length: n }, (_, i) => i);
  const rows = [];
  const add = (row) => {
    rows.push(row);
    log(`  ${row.engine}: single ${row.single ? ms(row.single) : '-'} ms, batch ${row.batch ? ms(row.batch) : '-'} ms`);
  };

  // clipscope WASM in Node and in Chromium, every storage, and native (the same C++) in
  // alternating rounds: all meet the same moments of a noisy machine, so the WASM-to-native
  // ratios compare like with like.
  const storages = ['float32', 'int8-exact', 'int8'];
  const wasmRuns = Object.fromEntries(storages.map((s) => [s, { build: [], single: [], batch: [] }]));
  const nativeRuns = [];
  const browserRuns = [];
  const files = {
    dataPath: `/bench/data/index-${n}.f32`,
    queriesPath: `/bench/data/index-${n}-queries.f32`,
    d,
    k,
    storages,
  };
  let truth;
  for (let r = 0; r < runs; r++) {
    for (const storage of storages) {
      const m = wasmRuns[storage];
      let index;
      m.build.push(...timed(1, () => (index = new EmbeddingIndex(d, { storage })).addMany(ids, data)).seconds);
      const single = timed(1, () => eachQuery(queries, (q) => index.search(q, k).ids));
      m.single.push(...single.seconds);
      m.batch.push(...timed(1, () => index.searchBatch(queries, k).flatMap((res) => res.ids)).seconds);
      truth ??= single.result;
      m.ids ??= single.result;
      m.memory ??= index.memoryBytes / n;
      index.delete();
    }
    nativeRuns.push(nativeRun(dataPath, queriesPath, 1));
    browserRuns.push(await browser.round(files));
  }
  for (const storage of storages) {
    const m = wasmRuns[storage];
    add({
      engine: `clipscope WASM ${storage}`,
      build: m.build,
      single: m.single,
      batch: m.batch,
      recall: recall(truth, m.ids, k),
      scanBytes: n * d * (storage === 'float32' ? 4 : 1),
      memory: m.memory,
    });
  }
  log('  in Chromium, native');
  const roundsOf = (engine, rounds) => {
    for (const storage of storages) {
      const each = (key) => rounds.flatMap((run) => run[storage][key]);
      add({
        engine: `clipscope ${engine} ${storage}`,
        build: each('build'),
        single: each('single'),
        batch: each('batch'),
        recall: recall(truth, rounds[0][storage].ids, k),
        scanBytes: n * d * (storage === 'float32' ? 4 : 1),
      });
    }
  };
  roundsOf(CHROMIUM, browserRuns);
  roundsOf('native', nativeRuns);
  const bandwidth = Math.max(...nativeRuns.map((run) => run.readBandwidthGBs));
  const peak = Object.fromEntries(
    ['mulAdd128', 'fma128', 'fma256'].map((key) => [
      key,
      Math.max(...nativeRuns.map((run) => run.computePeakGMACs[key])),
    ]),
  );

  // Plain JS loop: slow, so fewer queries at large n (time is scaled to all queries).
  const plainQueries = n > 20000 ? 20 : nq;
  const plain = timed(runs, () => {
    const out = [];
    for (let q = 0; q < plainQueries; q++) out.push(...plainSearch(data, d, queries.subarray(q * d, (q + 1) * d), k));
    return out;
  });
  add({
    engine: 'plain JS loop',
    single: plain.seconds.map((s) => (s * nq) / plainQueries),
    recall: recall(truth.slice(0, plainQueries * k), plain.result, k),
    scanBytes: n * d * 4,
    note: plainQueries < nq ? `timed on ${plainQueries} queries, scaled to ${nq}` : '',
  });

  // usearch exact search (native addon).
  const usingle = timed(runs, () => eachQuery(queries, (q) => usearchExact(data, q, d, k)));
  const ubatch = timed(runs, () => usearchExact(data, queries, d, k));
  add({
    engine: 'usearch exactSearch (native addon)',
    single: usingle.seconds,
    batch: ubatch.seconds,
    recall: recall(truth, usingle.result, k),
    scanBytes: n * d * 4,
  });

  // numpy and faiss, one thread.
  log('  numpy, faiss');
  const py = pythonRun(dataPath, queriesPath);
  add({
    engine: 'numpy matmul + argpartition',
    single: py.numpy_single,
    batch: py.numpy_batch,
    recall: recall(truth, py.numpy_ids, k),
    scanBytes: n * d * 4,
  });
  add({
    engine: 'faiss IndexFlatIP',
    build: py.faiss_build,
    single: py.faiss_single,
    batch: py.faiss_batch,
    recall: recall(truth, py.faiss_ids, k),
    scanBytes: n * d * 4,
  });

  // hnswlib-wasm (approximate).
  log('  hnswlib-wasm');
  const hnswBuildRuns = n > 20000 ? 1 : runs;
  let hnsw;
  const hbuild = timed(hnswBuildRuns, () => (hnsw = hnswBuild(data, d)));
  const hsingle = timed(runs, () => eachQuery(queries, (q) => hnswSearch(hnsw, q, k)));
  add({
    engine: `hnswlib-wasm (M ${hnswParams.m}, efC ${hnswParams.efConstruction}, ef ${hnswParams.efSearch})`,
    build: hbuild.seconds,
    single: hsingle.seconds,
    recall: recall(truth, hsingle.result, k),
    note: hnswBuildRuns < runs ? 'build timed once' : '',
  });

  // voy-search: one call, then chunks of 10k when one call fails.
  log('  voy-search');
  let voy;
  let voyNote;
  let vbuild;
  try {
    vbuild = timed(1, () => (voy = voyBuild(data, d)));
    voyNote = 'built in one call, timed once';
  } catch (error) {
    voyNote = `one-call build failed (${String(error).split('\n')[0].slice(0, 80)}); built in chunks of 10k via add()`;
    vbuild = timed(1, () => (voy = voyBuild(data, d, 10000)));
  }
  const vsingle = timed(runs, () => eachQuery(queries, (q) => voySearch(voy, q, k)));
  add({
    engine: 'voy-search (k-d tree)',
    build: vbuild.seconds,
    single: vsingle.seconds,
    recall: recall(truth, vsingle.result, k),
    note: voyNote,
  });

  return { n, rows, bandwidth, peak, versions: py.versions };
}

// What bounds a batch: its multiply-adds at this core's 128-bit peak (fused or not: WebAssembly
// has no wider SIMD), against the time of the same queries one by one.
function computeBound(n, ours, peak) {
  if (!peak.mulAdd128) return [];
  const macs = n * d * nq;
  const floorMs = (macs / (peak.mulAdd128 * 1e9)) * 1e3;
  const fused = peak.fma128
    ? `, ${peak.fma128.toFixed(1)} with 128-bit fused multiply-add (relaxed SIMD's; ${(peak.fma128 / peak.mulAdd128).toFixed(2)}× that)`
    : '';
  const wide = peak.fma256 ? ` and ${peak.fma256.toFixed(1)} with 256-bit (AVX2, which WebAssembly lacks)` : '';
  return [
    `Multiply-add peak of this core (a native loop with its operands in registers and L1 cache, [compute_peak.cpp](native/compute_peak.cpp)): **${peak.mulAdd128.toFixed(1)} billion per second** with 128-bit multiply, then add (WebAssembly SIMD's)${fused}${wide}. A batch of ${nq} queries over ${n.toLocaleString('en')} × ${d} is ${(macs / 1e9).toFixed(2)} billion multiply-adds, so it cannot take less than ${floorMs.toFixed(0)} ms with 128-bit SIMD; ours takes ${(min(ours.batch) * 1e3).toFixed(0)} ms (${((floorMs / (min(ours.batch) * 1e3)) * 100).toFixed(0)}% of the peak), and no batch with 128-bit SIMD can have more than ${(min(ours.single) / (floorMs / 1e3)).toFixed(1)}× the throughput of our single queries on this core.`,
    '',
  ];
}

function section(result) {
  const { n, rows, bandwidth, peak } = result;
  const find = (engine) => rows.find((r) => r.engine === engine);
  const ours = find('clipscope WASM float32');
  const qps = (s) => (nq / median(s)).toFixed(0);
  const gbs = (row) => (row.scanBytes ? ((row.scanBytes * nq) / min(row.single) / 1e9).toFixed(2) : '–');
  const lines = [
    `### n = ${n.toLocaleString('en')} × ${d}, ${nq} queries, top-${k}, one thread`,
    '',
    '| engine | build s (min / med) | single: ms for all queries (min / med) | queries/s (med) | GB/s scanned (best) | batch: ms (min / med) | recall@10 | notes |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const build = row.build ? `${min(row.build).toFixed(3)} / ${median(row.build).toFixed(3)}` : '–';
    lines.push(
      `| ${row.engine} | ${build} | ${ms(row.single)} | ${qps(row.single)} | ${gbs(row)} | ${row.batch ? ms(row.batch) : '–'} | ${row.recall.toFixed(3)} | ${row.note ?? (row.memory ? `${row.memory.toFixed(0)} B/vector` : '')} |`,
    );
  }
  const native = find('clipscope native float32');
  const inBrowser = find(`clipscope ${CHROMIUM} float32`);
  const int8 = find('clipscope WASM int8-exact');
  const int8c = find('clipscope WASM int8');
  const faiss = find('faiss IndexFlatIP');
  const floorMs = ((n * d * 4) / (bandwidth * 1e9)) * 1e3;
  const ratios = [
    ['float32 single vs plain JS loop', ratio(find('plain JS loop').single, ours.single)],
    [
      'float32 single vs usearch exactSearch single',
      ratio(find('usearch exactSearch (native addon)').single, ours.single),
    ],
    [
      "float32 single vs numpy's matrix-vector product (matmul + argpartition)",
      ratio(find('numpy matmul + argpartition').single, ours.single),
    ],
    ['float32 single: WASM speed as a share of native', ratio(native.single, ours.single)],
    ['float32 single: WASM in Chromium, speed as a share of native', ratio(native.single, inBrowser.single)],
    ['int8 single: WASM speed as a share of native', ratio(find('clipscope native int8').single, int8c.single)],
    ['float32 batch vs float32 single (throughput)', ratio(ours.single, ours.batch)],
    ['float32 batch vs faiss IndexFlatIP batch', ratio(faiss.batch, ours.batch)],
    ['int8-exact single vs float32 single', ratio(ours.single, int8.single)],
    ['int8 single vs float32 single', ratio(ours.single, int8c.single)],
  ];
  lines.push('', '| ratio (how many times faster, at min / at median) | value |', '|---|---|');
  for (const [name, value] of ratios) lines.push(`| ${name} | ${value} |`);
  lines.push(
    '',
    `Read bandwidth of this core (plain C loop over 512 MB): **${bandwidth.toFixed(1)} GB/s**, so one float32 query over ${n.toLocaleString('en')} × ${d} (${((n * d * 4) / 1e6).toFixed(0)} MB) cannot take less than ${floorMs.toFixed(2)} ms; ours takes ${((min(ours.single) / nq) * 1e3).toFixed(2)} ms (${((floorMs / ((min(ours.single) / nq) * 1e3)) * 100).toFixed(0)}% of bandwidth).`,
    '',
    ...computeBound(n, ours, peak),
  );
  return lines.join('\n');
}

await init();
// One thread, as the peers here run (bench/threads.mjs times the core's threads).
core().useThreads(1);
await warmUpIndex(EmbeddingIndex, d, k, ['float32', 'int8-exact', 'int8']);
const browser = await openIndexBrowser();
const CHROMIUM = `WASM in Chromium ${browser.version.split('.')[0]}`;
const results = [];
try {
  for (const n of sizes) results.push(await benchSize(n, browser));
} finally {
  await browser.close();
}
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const header = [
  '## Embedding index: exact cosine top-k',
  '',
  `Command: \`npm run bench -- index\` (\`node bench/index-search.mjs --sizes ${args.sizes} --queries ${nq} --runs ${runs}\`).`,
  `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, numpy ${results[0].versions.numpy}, faiss ${results[0].versions.faiss}. ${bestBlas().summary}.`,
  `Data: clustered unit vectors (n/100 random centres, noise 0.6), queries from the same distribution; recall is against clipscope float32, which the tests prove equal to a double-precision brute force.`,
  `Every time is the whole set of ${nq} queries, ${runs} runs, min / median; clipscope's WASM (in Node, whose V8 is ${process.versions.v8.split('-')[0]}, and in headless Chromium ${browser.version}, one thread, one page) and native runs alternate, round by round.`,
  '',
].join('\n');
const markdown = `${header}\n${results.map(section).join('\n')}`;
if (args.out) writeSection(args.out, 'index', markdown);
process.stdout.write(markdown);
