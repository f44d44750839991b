// The core's threads: batched exact search on 1 and 2 threads (and more where the machine has
// them) against numpy and faiss at the same thread counts, in the same run; then k-means,
// near-duplicates, the approximate index (build, batched search), batch preprocessing and the
// map layout on the same thread counts, each beside its peers (scikit-learn, faiss, Pillow) at
// the same thread counts.
// Usage: node bench/threads.mjs [--size 100000] [--queries 100] [--runs 5] [--out RESULTS.md]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApproximateIndex, EmbeddingIndex, coreThreads, init } from '../dist/index.js';
import { ImagePreprocessor, kmeans, umap2d } from '../dist/advanced.js';
import { createHash } from 'node:crypto';
import { core } from '../dist/wasm/core.js';
import { clusteredUnitVectors } from './lib/data.mjs';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { writeSection } from './lib/results.mjs';
import { min, ms, ratio, timed } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '100' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string' },
  },
});
const n = Number(args.size);
const nq = Number(args.queries);
const runs = Number(args.runs);
const d = 512;
const k = 10;
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/`;
mkdirSync(dataDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);

await init();
// 1, 2 and every thread the core has (one core: 1 alone, and the table says so).
const maxThreads = coreThreads().count;
const counts = [...new Set([1, 2, maxThreads])].filter((t) => t <= maxThreads);

log(`n = ${n}: generating data`);
const all = clusteredUnitVectors(n + nq, d, Math.max(10, n / 100), 0.6, n);
const data = all.slice(0, n * d);
const queries = all.slice(n * d);
const dataPath = `${dataDir}threads-${n}.f32`;
const queriesPath = `${dataDir}threads-${n}-queries.f32`;
writeFileSync(dataPath, data);
writeFileSync(queriesPath, queries);
const ids = Array.from({ length: n }, (_, i) => i);

// fn on every thread count, the counts alternating run by run (1, 2, 1, 2, ...) after a warm-up
// on each: otherwise a speed-up would compare runs minutes apart, on a machine whose speed
// drifts. Checks that every count's result describes the same as one thread's; returns the
// seconds of each count.
function onEveryCount(name, fn, describe) {
  let reference;
  const check = (t, result) => {
    const got = describe(result);
    reference ??= got;
    if (got !== reference) throw new Error(`${name}: ${t} threads gave other results than 1`);
  };
  const seconds = Object.fromEntries(counts.map((t) => [t, []]));
  for (const t of counts) {
    core().useThreads(t);
    check(t, fn());
  }
  for (let r = 0; r < runs; r++) {
    for (const t of counts) {
      core().useThreads(t);
      const m = timed(1, fn);
      check(t, m.result);
      seconds[t].push(...m.seconds);
    }
  }
  for (const t of counts) log(`  ${name}: ${t} thread(s) ${ms(seconds[t])} ms`);
  return seconds;
}

const rows = [];
const singles = []; // one query at a time, its rows split between threads
for (const storage of ['float32', 'int8-exact', 'int8']) {
  const index = new EmbeddingIndex(d, { storage });
  index.addMany(ids, data);
  const single = onEveryCount(
    `${storage} single queries`,
    () => Array.from({ length: nq }, (_, q) => index.search(queries.subarray(q * d, (q + 1) * d), k)),
    JSON.stringify,
  );
  const batch = onEveryCount(storage, () => index.searchBatch(queries, k), JSON.stringify);
  rows.push({ engine: `clipscope WASM ${storage}`, single: single[1], batch });
  singles.push({ engine: `single queries, ${nq} one at a time: ${storage}`, batch: single });
  index.delete();
}
// Work that is not a search: each on every thread count, its result checked equal to one
// thread's.
// `task`: the key of its peers in bench/peers/threads_peers.py's output.
function onThreads(name, fn, describe, task) {
  return { engine: name, batch: onEveryCount(name, fn, describe), task };
}
const clusterRows = Math.min(n, 50_000);
const clusterData = data.subarray(0, clusterRows * d);
const other = [
  onThreads(
    `k-means, ${clusterRows.toLocaleString('en')} × ${d}, k = 64, 10 iterations`,
    () => kmeans(clusterData, d, 64, { maxIter: 10, tol: 0, metric: 'cosine' }),
    (r) => `${r.inertia} ${r.iterations}`,
    'kmeans',
  ),
  onThreads(
    `mini-batch k-means, ${clusterRows.toLocaleString('en')} × ${d}, k = 256, batches of 1024, 3 passes`,
    () => kmeans(clusterData, d, 256, { maxIter: 3, tol: 0, metric: 'cosine', miniBatch: 1024 }),
    (r) => `${r.inertia} ${r.iterations}`,
    'minibatch',
  ),
];
const dupRows = Math.min(n, 20_000);
const dupIndex = new EmbeddingIndex(d);
dupIndex.addMany(ids.slice(0, dupRows), data.subarray(0, dupRows * d));
other.push(
  onThreads(
    `near-duplicates (exact), ${dupRows.toLocaleString('en')} × ${d}, threshold 0.9`,
    () => dupIndex.nearDuplicates(0.9),
    (groups) => JSON.stringify(groups),
    'dups',
  ),
);
dupIndex.delete();
let approximate;
other.push(
  onThreads(
    `approximate index: build (add ${n.toLocaleString('en')}, train)`,
    () => {
      approximate?.delete();
      approximate = new ApproximateIndex(d);
      approximate.addMany(ids, data);
      approximate.train();
      return approximate.info();
    },
    (info) => `${info.size} ${info.lists}`,
    'ivf-build',
  ),
);
// A lone query of the approximate index: its probed lists' rows cut into ranges too.
singles.push({
  engine: `single queries, ${nq} one at a time: approximate index (automatic nprobe)`,
  batch: onEveryCount(
    'approximate single queries',
    () => Array.from({ length: nq }, (_, q) => approximate.search(queries.subarray(q * d, (q + 1) * d), k)),
    JSON.stringify,
  ),
});
other.push(
  onThreads(
    `approximate index: batched search (nprobe 16)`,
    () => approximate.searchBatch(queries, k, { nprobe: 16 }),
    (r) => JSON.stringify(r),
    'ivf-search',
  ),
);
other.push(
  onThreads(
    `approximate index: near-duplicates, threshold 0.9`,
    () => approximate.nearDuplicates(0.9),
    (groups) => JSON.stringify(groups),
  ),
);
const lists = approximate.info().lists;
approximate.delete();
// Batch preprocessing (CLIP's config) of decoded RGB photos: pixels of seeded noise, which
// costs the same as a photo's.
const preprocessor = new ImagePreprocessor({ crop_size: 224 });
// One output tensor for every call, as the embedding pipeline keeps one.
const output = new Float32Array(64 * 3 * 224 * 224);
// One 12-megapixel photo (as opening a photo to find similar ones): cut into bands of rows.
for (const [width, height, count] of [
  [640, 480, 64],
  [1920, 1080, 16],
  [4000, 3000, 1],
]) {
  let s = width * 7919 + height;
  const images = Array.from({ length: count }, () => {
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      data[i] = s >>> 24;
    }
    return { data, width, height, channels: 3 };
  });
  other.push(
    onThreads(
      count === 1
        ? `preprocessing one RGB photo of ${width} × ${height}`
        : `preprocessing batch, ${count} RGB images of ${width} × ${height}`,
      () => preprocessor.preprocessBatch(images, { output }),
      (batch) => createHash('sha256').update(batch.data).digest('hex'),
      `preprocess-${width}x${height}`,
    ),
  );
}
preprocessor.delete();
const layoutRows = Math.min(n, 10_000);
const layoutData = data.subarray(0, layoutRows * d);
other.push(
  onThreads(
    `map layout (UMAP), ${layoutRows.toLocaleString('en')} × ${d}`,
    () => umap2d(layoutData, d).coords,
    (coords) => createHash('sha256').update(coords).digest('hex'),
    'layout',
  ),
);
core().useThreads(maxThreads);

log('  numpy, faiss');
const py = runPeer(`${root}bench/peers/batch_threads.py`, [
  dataPath,
  queriesPath,
  String(d),
  String(k),
  String(runs),
  counts.join(','),
]);
rows.push({ engine: 'numpy matmul + argpartition', batch: py.numpy });
rows.push({ engine: 'faiss IndexFlatIP', batch: py.faiss });
log('  scikit-learn, faiss, Pillow on the other work (several minutes: TSNE)');
const peers = runPeer(`${root}bench/peers/threads_peers.py`, [
  dataPath,
  queriesPath,
  String(d),
  String(runs),
  counts.join(','),
  String(lists),
]);

// GB/s read by nq single queries over the float32 rows on t threads, in the best run.
const bandwidth = (row, t) => ((nq * n * d * 4) / min(row.batch[t]) / 1e9).toFixed(1);
const speedup = (row, t) => ratio(row.batch[1], row.batch[t]);
const efficiency = (row, t) => `${((min(row.batch[1]) / min(row.batch[t]) / t) * 100).toFixed(0)}%`;
const more = counts.filter((t) => t > 1);
const lines = [
  '## The core on threads: batched exact search',
  '',
  `Command: \`npm run bench -- threads\` (\`node bench/threads.mjs --size ${n} --queries ${nq} --runs ${runs}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}. ${bestBlas().summary}; at 2 threads OpenBLAS and faiss's OpenMP are limited with threadpoolctl and omp_set_num_threads.`,
  `The core's threads here: ${coreThreads().detail}.`,
  `Data: ${n.toLocaleString('en')} × ${d} clustered unit vectors, ${nq} queries, top-${k}; every time is the whole batch, min / median of ${runs} runs after a warm-up, clipscope's thread counts alternating run by run (1, 2, 1, 2, …). clipscope's results on every thread count are checked equal to one thread's in the run.`,
  '',
  `| engine | ${counts.map((t) => `batch, ${t} thread${t > 1 ? 's' : ''}: ms`).join(' | ')} | ${more.map((t) => `speed-up on ${t} (min / med)`).join(' | ')} | ${more.map((t) => `efficiency on ${t}`).join(' | ')} |`,
  `|---|${counts.map(() => '---|').join('')}${more.map(() => '---|').join('')}${more.map(() => '---|').join('')}`,
];
for (const row of rows) {
  lines.push(
    `| ${row.engine} | ${counts.map((t) => ms(row.batch[t])).join(' | ')} | ${more.map((t) => speedup(row, t)).join(' | ')} | ${more.map((t) => efficiency(row, t)).join(' | ')} |`,
  );
}
lines.push(
  '',
  `| clipscope WASM | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}: ms`).join(' | ')} | ${more.map((t) => `speed-up on ${t} (min / med)`).join(' | ')} | ${more.map((t) => `efficiency on ${t}`).join(' | ')} |`,
  `|---|${counts.map(() => '---|').join('')}${more.map(() => '---|').join('')}${more.map(() => '---|').join('')}`,
);
for (const row of [...singles, ...other]) {
  lines.push(
    `| ${row.engine} | ${counts.map((t) => ms(row.batch[t])).join(' | ')} | ${more.map((t) => speedup(row, t)).join(' | ')} | ${more.map((t) => efficiency(row, t)).join(' | ')} |`,
  );
}
lines.push(
  '',
  `Peers on the same work (the same data and sizes; scikit-learn ${peers.versions.sklearn}, faiss ${peers.versions.faiss}, Pillow ${peers.versions.pillow}), beside the clipscope row above each:`,
  '',
  `| work | peer | ${counts.map((t) => `${t} thread${t > 1 ? 's' : ''}: ms`).join(' | ')} | ${more.map((t) => `speed-up on ${t} (min / med)`).join(' | ')} | ${counts.map((t) => `clipscope vs it on ${t} (min / med)`).join(' | ')} |`,
  `|---|---|${counts.map(() => '---|').join('')}${more.map(() => '---|').join('')}${counts.map(() => '---|').join('')}`,
);
for (const row of other) {
  for (const [peer, batch] of Object.entries(peers[row.task] ?? {})) {
    const peerRow = { batch };
    lines.push(
      `| ${row.engine} | ${peer} | ${counts.map((t) => ms(batch[t])).join(' | ')} | ${more.map((t) => speedup(peerRow, t)).join(' | ')} | ${counts.map((t) => ratio(batch[t], row.batch[t])).join(' | ')} |`,
    );
  }
}
lines.push(
  '',
  "The peers' work is theirs: scikit-learn's k-means is Euclidean on the same unit vectors (k-means++ start), faiss's spherical like ours (random start, no subsampling), each 10 iterations with no tolerance, scikit-learn's mini-batch k-means runs 3 passes of 1024-row batches, faiss's range search lists the pairs above 0.9 without grouping them, faiss IndexIVFFlat has as many lists as ours and trains on 48 rows per list, searching 16 of them; Pillow resizes a pool of Python threads' images (its resize lets go of the lock Python holds) and numpy normalises them; TSNE (one run) is the map layout's peer of the layout benchmark.",
);
const ours = rows[0];
const preprocessSpeedups = other
  .filter((row) => row.engine.startsWith('preprocessing batch') && row.batch[2])
  .map((row) => `${(min(row.batch[1]) / min(row.batch[2])).toFixed(2)}×`)
  .join(' and ');
const top = Math.max(...counts);
// How many ranges a lone query's `rows` are cut into on `top` threads, and a range's time on one
// thread (as src/one_query_ranges.cpp and src/parallel.h cut them: at least 2^20 values each,
// at most four per thread).
const oneQueryRanges = (rows) => Math.max(1, Math.min(4 * top, Math.floor((rows * d) / 2 ** 20)));
const rangeMs = (row, rows) => ((min(row.batch[1]) / nq / oneQueryRanges(rows)) * 1e3).toFixed(2);
lines.push(
  '',
  '| ratio (how many times faster, at min / at median) | value |',
  '|---|---|',
  ...rows
    .filter((r) => r.single)
    .flatMap((r) => [
      [`${r.engine}: batch on 1 thread vs single queries`, ratio(r.single, r.batch[1])],
      [`${r.engine}: batch on ${top} threads vs single queries`, ratio(r.single, r.batch[top])],
    ])
    .map(([name, value]) => `| ${name} | ${value} |`),
  `| clipscope float32 batch vs numpy batch, both on ${top} threads | ${ratio(rows.at(-2).batch[top], ours.batch[top])} |`,
  `| clipscope float32 batch vs faiss batch, both on ${top} threads | ${ratio(rows.at(-1).batch[top], ours.batch[top])} |`,
  '',
  `A single float32 query is bound by memory bandwidth, not compute: on threads its rows are cut into ranges of at least 2^20 values (4 MB of float32, 1 MB of int8; a few ranges per thread), each scanned into a selection of its own, and the best of those are merged. One float32 query over ${n.toLocaleString('en')} × ${d} reads ${((n * d * 4) / 1e6).toFixed(0)} MB: ${bandwidth(singles[0], 1)} GB/s on one thread, ${bandwidth(singles[0], top)} GB/s on ${top} (best run), so more cores help as long as the memory bus carries more than one core draws; the int8 rows are a quarter of the bytes, and their scan is bound by compute more than by memory. A lone query of the approximate index cuts the rows of the lists it probes (one list in 16 of its ${lists}, about ${Math.round(n / 16).toLocaleString('en')} rows of int8 codes) into ranges the same way, lists cut where a range ends; its choice of lists and its re-ranking stay on the calling thread. Those are about ${oneQueryRanges(n / 16)} ranges of a fraction of a millisecond each: ${speedup(singles[3], top)} on ${top} threads. The int8 storages' single queries: ${speedup(singles[1], top)} and ${speedup(singles[2], top)} on ${top} threads, their ${oneQueryRanges(n)} ranges taking ${rangeMs(singles[2], n)} ms each on one thread, against ${rangeMs(singles[0], n)} for float32.`,
  '',
  `**What limits more cores.** A batch is split by queries: each thread scores its queries against every row, a 256 KB block of rows at a time from its own L2 cache, so the work is compute-bound and each thread reads the index once per call. On ${top} threads the float32 batch reads ${top} × ${((n * d * 4) / 1e6).toFixed(0)} MB in ${(min(ours.batch[top]) * 1e3).toFixed(0)} ms: ${((top * n * d * 4) / min(ours.batch[top]) / 1e9).toFixed(1)} GB/s, a fraction of what the memory bus carries, so the model is compute per core, and the batch scales with cores until each thread has too few queries (up to five are scored together against each pair of rows) or the bus carries threads × index size per call. Batch preprocessing splits the images into ranges of about equal work, eight per thread (a chunk of the batch ends when its last range does, and a thread with none left waits for it): each is read once and resized alone, so the resizing itself scales like compute; what does not is JavaScript's part, on the calling thread: copying the decoded pixels into WebAssembly memory and each chunk's tensor out (while the helpers resize the next chunk, except for the first chunk in and the last out), hence ${preprocessSpeedups}. A photo of more than a range's work is cut into bands of rows (at most two per thread: one photo alone gets four on two threads), which read a few input rows twice where they meet; its copy in is not shared. The map layout's epochs are cut by heads, each thread moving only its own points from where the others stood when the epoch began, so it scales like compute too. What efficiency loses is the serial part and the hand-offs (passes over rows go out in a few shares per thread, so that a helper that starts late holds no one up): k-means++'s seeding is 63 rounds, each a parallel distance pass and a serial choice between candidates; k-means sums each cluster's rows in row order (the canonical order that keeps results identical), each range of rows in turn as soon as it is labelled, on whichever thread finds its turn has come, beside the labelling of later ranges (split by clusters between threads, each thread skipped most rows and two ran slower than one), so only the last range's sums run alone; a mini-batch step (1,024 points) is four short parallel calls (copy, refresh the centroid groups, assign, sum and move the centres), each ending when its last share does, with the step's bookkeeping between them (a helper checks for the next job for 0.2 ms before it sleeps, so it is not woken each time), and each step reads the centres the last one moved out of the other core's cache (refreshing the groups took 18 ms over 147 steps on two threads against 13 ms on one, and 26 ms with the calling thread alone); and the approximate index places each added vector in its list on one thread (its rows are normalised and quantised in shares, and assigned in one parallel call of small shares, each restoring, encoding and assigning its own rows in scratch of its thread, its training sums each list's rows in turn beside the assignment, as k-means does, and each query of a batch is a share of its own).`,
  '',
);
const markdown = lines.join('\n');
if (args.out) writeSection(args.out, 'threads', markdown);
process.stdout.write(markdown);
