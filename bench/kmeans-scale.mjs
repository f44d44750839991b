// Benchmark of k-means at a million photos: clipscope's mini-batch k-means (WASM) with
// k = 1,000 at 100,000 and 1,000,000 × 512, against full Lloyd (ours, and scikit-learn's) at
// 100,000 for the inertia it gives up, and scikit-learn's MiniBatchKMeans at both sizes, one
// thread each, in one run.
//
// Usage: node bench/kmeans-scale.mjs [--sizes 100000,1000000] [--k 1000] [--runs 3] [--out FILE]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { init } from '../dist/index.js';
import { kmeans } from '../dist/advanced.js';
import { bestBlas, runPeer } from './lib/blas.mjs';
import { clusteredUnitVectors } from './lib/data.mjs';
import { inertiaOfLabels } from './lib/inertia.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, timed } from './lib/stats.mjs';
import { core } from '../dist/wasm/core.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    k: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    // Full Lloyd (the reference) runs once, at the sizes up to this.
    'lloyd-max': { type: 'string', default: '100000' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const k = Number(args.k);
const runs = Number(args.runs);
const lloydMax = Number(args['lloyd-max']);
const d = 512;
const batch = 1024;
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/`;
mkdirSync(dataDir, { recursive: true });
const log = (text) => process.stderr.write(`${text}\n`);

function sklearn(dataPath, miniBatch, peerRuns) {
  return runPeer(
    `${root}bench/peers/sklearn_minibatch.py`,
    [dataPath, String(d), String(k), String(miniBatch), String(peerRuns)],
    1 << 30,
  );
}

function benchSize(n) {
  log(`n = ${n}, k = ${k}`);
  const data = clusteredUnitVectors(n, d, Math.max(10, n / 1000), 0.6, 7 + n);
  const dataPath = `${dataDir}kmeans-scale-${n}.f32`;
  writeFileSync(dataPath, data);
  const rows = [];
  const add = (row) => {
    row.inertia = inertiaOfLabels(data, d, row.labels);
    row.labels = undefined;
    rows.push(row);
    log(`  ${row.engine}: ${min(row.seconds).toFixed(2)} s, inertia ${row.inertia.toFixed(1)}`);
  };
  const mini = timed(runs, () => kmeans(data, d, k, { miniBatch: batch, seed: 0 }));
  add({
    engine: `clipscope WASM mini-batch ${batch}`,
    seconds: mini.seconds,
    labels: mini.result.labels,
    steps: mini.result.iterations,
  });
  const skMini = sklearn(dataPath, batch, runs);
  add({
    engine: `scikit-learn ${skMini.version} MiniBatchKMeans ${batch} (1 thread)`,
    seconds: skMini.seconds,
    labels: skMini.labels,
    steps: skMini.iterations,
  });
  if (n <= lloydMax) {
    const lloyd = timed(1, () => kmeans(data, d, k, { maxIter: 100, seed: 0 }));
    add({
      engine: 'clipscope WASM full Lloyd',
      seconds: lloyd.seconds,
      labels: lloyd.result.labels,
      steps: lloyd.result.iterations,
      note: '1 run',
    });
    const skLloyd = sklearn(dataPath, 0, 1);
    add({
      engine: `scikit-learn ${skLloyd.version} KMeans (full Lloyd, 1 thread)`,
      seconds: skLloyd.seconds,
      labels: skLloyd.labels,
      steps: skLloyd.iterations,
      note: '1 run',
    });
  }
  rmSync(dataPath);
  return { n, rows };
}

function section({ n, rows }) {
  const ours = rows[0];
  const lloyd = rows.find((r) => r.engine === 'clipscope WASM full Lloyd');
  const lines = [
    `### n = ${n.toLocaleString('en')}, k = ${k}`,
    '',
    '| engine | seconds (min / median) | steps or iterations | inertia (shared function) | inertia vs our mini-batch | notes |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.engine} | ${min(r.seconds).toFixed(2)} / ${median(r.seconds).toFixed(2)} | ${r.steps} | ${r.inertia.toFixed(1)} | ${(r.inertia / ours.inertia).toFixed(4)} | ${r.note ?? ''} |`,
    );
  }
  lines.push('');
  if (lloyd) {
    lines.push(
      `Our mini-batch inertia is ${((ours.inertia / lloyd.inertia - 1) * 100).toFixed(2)}% above our full Lloyd's (goal: within 1%), ${(min(lloyd.seconds) / min(ours.seconds)).toFixed(1)}× faster.`,
    );
  }
  const sk = rows[1];
  lines.push(
    `Against scikit-learn's MiniBatchKMeans: ${(min(sk.seconds) / min(ours.seconds)).toFixed(2)}× / ${(median(sk.seconds) / median(ours.seconds)).toFixed(2)}× (min / median), inertia ${((sk.inertia / ours.inertia - 1) * 100).toFixed(2)}% from ours.`,
    '',
  );
  return lines.join('\n');
}

await init();
// One thread, as the peers here run (bench/threads.mjs times the core's threads).
core().useThreads(1);
const results = sizes.map(benchSize);
const header = [
  '## KMeans at a million',
  '',
  `Command: \`npm run bench -- kmeans-scale\` (\`node bench/kmeans-scale.mjs --sizes ${args.sizes} --k ${k} --runs ${runs}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Data: ${d}-d clustered unit vectors (n/1000 centres), euclidean. ${bestBlas().summary}.`,
  `Mini-batch: batches of ${batch}, k-means++ start, one init; ours (from k = 256) assigns through centroid groups and settles the centres with Lloyd steps on 100 points per centroid (src/centroid_groups.h, src/kmeans.cpp). Full Lloyd: k-means++, one init, at most 100 iterations. Inertia of every engine from its labels by one shared function.`,
  '',
].join('\n');
const markdown = `${header}\n${results.map(section).join('\n')}`;
if (args.out) writeSection(args.out, 'kmeans-scale', markdown);
process.stdout.write(markdown);
