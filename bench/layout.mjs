// Benchmark of the neighbourhood-preserving map: clipscope's UMAP (WASM, one thread) against
// umap-js (its defaults but the same 15 neighbours and min_dist) and scikit-learn's TSNE, on
// the same structured 512-d embeddings, in one run. Quality is scikit-learn's trustworthiness
// (k = 10) of each layout; time is seconds per layout (min / median of the runs).
//
// Usage: node bench/layout.mjs [--size 10000] [--large 50000] [--runs 3] [--peer-runs 1] [--out FILE]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UMAP } from 'umap-js';
import { coreThreads, init } from '../dist/index.js';
import { core } from '../dist/wasm/core.js';
import { umap2d } from '../dist/advanced.js';
import { structuredUnitVectors } from './lib/data.mjs';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, timed } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '10000' },
    large: { type: 'string', default: '50000' },
    runs: { type: 'string', default: '3' },
    // umap-js and TSNE take minutes per layout here.
    'peer-runs': { type: 'string', default: '1' },
    out: { type: 'string' },
  },
});
const n = Number(args.size);
const large = Number(args.large);
const runs = Number(args.runs);
const peerRuns = Number(args['peer-runs']);
const d = 512;
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/layout/`;
mkdirSync(dataDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);
const secondsOf = (s) => `${min(s).toFixed(2)} / ${median(s).toFixed(2)}`;

await init();
log(`data: ${n} x ${d}`);
const data = structuredUnitVectors(n, d, 7);
const dataPath = `${dataDir}embeddings-${n}.f32`;
writeFileSync(dataPath, data);

// On one thread, as the peers run; then on every thread the core has (the same layout).
const threads = coreThreads().count;
const onThreads = (count, fn) => {
  core().useThreads(count);
  const result = fn();
  core().useThreads(threads);
  return result;
};
log('clipscope UMAP (WASM)');
const ours = onThreads(1, () => timed(runs, () => umap2d(data, d)));
const oursPath = `${dataDir}clipscope-${n}.f32`;
writeFileSync(oursPath, ours.result.coords);
const oursThreads = timed(runs, () => umap2d(data, d));
if (JSON.stringify(oursThreads.result.coords) !== JSON.stringify(ours.result.coords))
  throw new Error(`the layout on ${threads} threads differs from one thread's`);

log('umap-js');
const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * d, (i + 1) * d)));
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const theirs = timed(peerRuns, () => new UMAP({ nNeighbors: 15, minDist: 0.1, nComponents: 2, random }).fit(rows));
const theirsPath = `${dataDir}umap-js-${n}.f32`;
writeFileSync(theirsPath, Float32Array.from(theirs.result.flat()));

log('scikit-learn TSNE, and the trustworthiness of every layout');
const sklearn = runPeer(`${root}bench/peers/sklearn_layouts.py`, [
  dataPath,
  String(d),
  String(peerRuns),
  `clipscope UMAP=${oursPath}`,
  `umap-js=${theirsPath}`,
]);

log(`clipscope UMAP at ${large} (WASM)`);
const big = structuredUnitVectors(large, d, 8);
const oursLarge = onThreads(1, () => timed(runs, () => umap2d(big, d)));
const oursLargeThreads = timed(runs, () => umap2d(big, d));

const t = sklearn.trustworthiness;
const speedup = (a, b) => `${(min(a) / min(b)).toFixed(1)}× / ${(median(a) / median(b)).toFixed(1)}×`;
const markdown = [
  '## Map layout (UMAP) against umap-js and scikit-learn TSNE',
  '',
  `Command: \`npm run bench -- layout\` (\`node bench/layout.mjs --size ${n} --large ${large} --runs ${runs} --peer-runs ${peerRuns}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}; scikit-learn ${sklearn.version}; umap-js 1.4.0. One thread each; clipscope also on the ${threads} threads of its core (the same layout, checked in the run). ${bestBlas().summary}.`,
  `Data: ${n} structured 512-d unit embeddings (20 subjects × 10 groups, each group varying along 8 directions of its own; \`structuredUnitVectors\` in bench/lib/data.mjs).`,
  'Quality: `sklearn.manifold.trustworthiness(X, layout, n_neighbors=10)`. clipscope: `umap2d` (15 neighbours, min_dist 0.1, 200 epochs above 4,096 points); umap-js: `new UMAP({ nNeighbors: 15, minDist: 0.1 })` (its defaults otherwise); TSNE: `TSNE(perplexity=30, init="pca", learning_rate="auto", n_jobs=1)`.',
  '',
  '| layout | seconds (min / median) | trustworthiness (k = 10) | vs TSNE |',
  '|---|---|---|---|',
  `| clipscope UMAP, WASM, 1 thread | ${secondsOf(ours.seconds)} | ${t['clipscope UMAP'].toFixed(4)} | ${(t['clipscope UMAP'] - t['sklearn TSNE']).toFixed(4)} |`,
  `| clipscope UMAP, WASM, ${threads} threads | ${secondsOf(oursThreads.seconds)} | the same layout | |`,
  `| umap-js | ${secondsOf(theirs.seconds)} | ${t['umap-js'].toFixed(4)} | ${(t['umap-js'] - t['sklearn TSNE']).toFixed(4)} |`,
  `| scikit-learn TSNE | ${secondsOf(sklearn.seconds)} | ${t['sklearn TSNE'].toFixed(4)} | 0 |`,
  '',
  `clipscope on one thread against umap-js, how many times faster (min / median): **${speedup(theirs.seconds, ours.seconds)}** (goal ≥ 10×); against TSNE: ${speedup(sklearn.seconds, ours.seconds)}; on ${threads} threads against umap-js: ${speedup(theirs.seconds, oursThreads.seconds)}.`,
  `clipscope UMAP at ${large} points (WASM): ${secondsOf(oursLarge.seconds)} s on one thread, ${secondsOf(oursLargeThreads.seconds)} s on ${threads}.`,
  '',
].join('\n');
if (args.out) writeSection(args.out, 'layout', markdown);
process.stdout.write(markdown);
