// Benchmark of KMeans: clipscope (WASM and native) against ml-kmeans, skmeans and
// scikit-learn, on the same clustered 512-d vectors, one thread each, in one run.
//
// Usage: node bench/kmeans.mjs [--sizes 10000,100000] [--ks 8,64] [--runs 3] [--out FILE]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { init } from '../dist/index.js';
import { kmeans } from '../dist/advanced.js';
import { clusteredUnitVectors } from './lib/data.mjs';
import { inertiaOfLabels } from './lib/inertia.mjs';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, ratio, timed } from './lib/stats.mjs';
import { rowsOf, runMlKmeans, runSkmeans } from './peers/js-kmeans.mjs';
import { core } from '../dist/wasm/core.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    ks: { type: 'string', default: '8,64' },
    runs: { type: 'string', default: '3' },
    // The JS libraries take minutes per run at large sizes: fewer runs there, and none above
    // this n·k (their time is then projected from the largest size they ran at).
    'slow-runs': { type: 'string', default: '1' },
    'peer-max-nk': { type: 'string', default: '800000' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const ks = args.ks.split(',').map(Number);
const runs = Number(args.runs);
const slowRuns = Number(args['slow-runs']);
const peerMaxNk = Number(args['peer-max-nk']);
const peerSeconds = new Map(); // "engine k" -> { n, seconds } of the largest n run
const d = 512;
const maxIter = 25;
const miniBatch = 1024;
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/`;
mkdirSync(dataDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);

function benchCase(data, dataPath, n, k) {
  log(`n = ${n}, k = ${k}`);
  const rows = [];
  const add = (row) => {
    row.labels = Array.from(row.labels);
    row.inertia = inertiaOfLabels(data, d, row.labels);
    rows.push(row);
    log(
      `  ${row.engine}: ${min(row.seconds).toFixed(3)} s, ${row.iterations} iterations, inertia ${row.inertia.toFixed(1)}`,
    );
  };
  let last;
  const wasm = timed(runs, () => (last = kmeans(data, d, k, { maxIter, seed: 0 })));
  add({ engine: 'clipscope WASM', seconds: wasm.seconds, labels: last.labels, iterations: last.iterations });
  const nativeExe = `${root}build/native-release/bench/native/clipscope_kmeans_bench`;
  const native = JSON.parse(
    execFileSync(nativeExe, [dataPath, String(d), String(k), String(maxIter), String(runs)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );
  add({ engine: 'clipscope native', seconds: native.seconds, labels: native.labels, iterations: native.iterations });
  const sk = runPeer(
    `${root}bench/peers/sklearn_kmeans.py`,
    [dataPath, String(d), String(k), String(maxIter), String(runs)],
    1 << 28,
  );
  add({
    engine: `scikit-learn ${sk.version} (1 thread)`,
    seconds: sk.seconds,
    labels: sk.labels,
    iterations: sk.iterations,
  });

  const peers = [
    ['ml-kmeans', (rowsData) => runMlKmeans(rowsData, k, maxIter, 0)],
    ['skmeans', (rowsData) => runSkmeans(rowsData, k, maxIter)],
  ];
  if (n * k <= peerMaxNk) {
    const peerRuns = n * k > 100000 ? slowRuns : runs;
    const arrays = rowsOf(data, d);
    for (const [engine, run] of peers) {
      let result;
      const times = timed(peerRuns, () => (result = run(arrays)));
      add({
        engine,
        seconds: times.seconds,
        labels: result.labels,
        iterations: result.iterations,
        note: peerRuns < runs ? `${peerRuns} run` : '',
      });
      peerSeconds.set(`${engine} ${k}`, { n, seconds: min(times.seconds) });
    }
  } else {
    for (const [engine] of peers) {
      const known = peerSeconds.get(`${engine} ${k}`);
      rows.push({
        engine,
        skipped: true,
        projected: known && (known.seconds * n) / known.n,
        note: known
          ? `not run: ${known.seconds.toFixed(0)} s at n = ${known.n} projects to ~${((known.seconds * n) / known.n).toFixed(0)} s`
          : 'not run',
      });
    }
  }

  let mini;
  if (n >= 100000 && k >= 64) {
    let m;
    const miniTimes = timed(runs, () => (m = kmeans(data, d, k, { maxIter, seed: 0, miniBatch })));
    add({
      engine: `clipscope WASM mini-batch ${miniBatch}`,
      seconds: miniTimes.seconds,
      labels: m.labels,
      iterations: m.iterations,
      note: 'iterations are batches',
    });
    mini = rows.at(-1);
  }
  return { n, k, rows, mini };
}

function section({ n, k, rows, mini }) {
  const find = (prefix) => rows.find((r) => r.engine.startsWith(prefix));
  const ours = find('clipscope WASM');
  const lines = [
    `### n = ${n.toLocaleString('en')}, k = ${k}`,
    '',
    '| engine | seconds (min / median) | iterations | inertia (shared function) | inertia vs ours | notes |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    if (r.skipped) {
      lines.push(`| ${r.engine} | – | – | – | – | ${r.note} |`);
      continue;
    }
    lines.push(
      `| ${r.engine} | ${min(r.seconds).toFixed(3)} / ${median(r.seconds).toFixed(3)} | ${r.iterations} | ${r.inertia.toFixed(1)} | ${(r.inertia / ours.inertia).toFixed(4)} | ${r.note ?? ''} |`,
    );
  }
  lines.push('', '| ratio (how many times faster, at min / at median) | value |', '|---|---|');
  for (const name of ['ml-kmeans', 'skmeans']) {
    const peer = find(name);
    const value = peer.skipped
      ? peer.projected
        ? `~${(peer.projected / min(ours.seconds)).toFixed(0)}× (projected)`
        : 'not run'
      : ratio(peer.seconds, ours.seconds);
    lines.push(`| clipscope WASM vs ${name} | ${value} |`);
  }
  lines.push(`| clipscope WASM vs scikit-learn (1 thread) | ${ratio(find('scikit-learn').seconds, ours.seconds)} |`);
  lines.push(`| clipscope WASM vs clipscope native | ${ratio(find('clipscope native').seconds, ours.seconds)} |`);
  if (mini) {
    lines.push(`| mini-batch vs full Lloyd (WASM) | ${ratio(ours.seconds, mini.seconds)} |`);
    lines.push(
      '',
      `Mini-batch inertia is ${((mini.inertia / ours.inertia - 1) * 100).toFixed(2)}% above full Lloyd's.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

await init();
// One thread, as the peers here run (bench/threads.mjs times the core's threads).
core().useThreads(1);
const results = [];
for (const n of sizes) {
  const data = clusteredUnitVectors(n, d, Math.max(10, n / 1000), 0.6, 7 + n);
  const dataPath = `${dataDir}kmeans-${n}.f32`;
  writeFileSync(dataPath, data);
  for (const k of ks) results.push(benchCase(data, dataPath, n, k));
}
const header = [
  '## KMeans',
  '',
  `Command: \`npm run bench -- kmeans\` (\`node bench/kmeans.mjs --sizes ${args.sizes} --ks ${args.ks} --runs ${runs} --slow-runs ${slowRuns}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Data: ${d}-d clustered unit vectors (n/1000 centres, at least 10). ${bestBlas().summary}.`,
  `Every engine: k-means++ init, one init (nInit = 1), at most ${maxIter} iterations, tolerance 1e-4 where it has one, one thread.`,
  'Inertia of every engine is computed by one shared function from its labels (centroids = means of its clusters).',
  '',
].join('\n');
const markdown = `${header}\n${results.map(section).join('\n')}`;
if (args.out) writeSection(args.out, 'kmeans', markdown);
process.stdout.write(markdown);
