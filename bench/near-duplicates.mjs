// Benchmark of near-duplicate grouping on an index: clipscope's blocked all-pairs scan
// against the plain JavaScript double loop a web developer would write, and the approximate
// index's pairs from neighbouring lists against the exact scan (share of its grouped pairs
// found).
//
// Usage: node bench/near-duplicates.mjs [--sizes 10000,50000,100000] [--exact-limit 50000]
//        [--runs 3] [--out FILE]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ApproximateIndex, EmbeddingIndex, init } from '../dist/index.js';
import { clusteredUnitVectors } from './lib/data.mjs';
import { writeSection } from './lib/results.mjs';
import { median, min, ratio, timed } from './lib/stats.mjs';
import { core } from '../dist/wasm/core.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,50000,100000' },
    // The exact scan is quadratic: above this size only the approximate index runs.
    'exact-limit': { type: 'string', default: '50000' },
    runs: { type: 'string', default: '3' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const runs = Number(args.runs);
const exactLimit = Number(args['exact-limit']);
const d = 512;
const threshold = 0.95;
const log = (text) => process.stderr.write(`${text}\n`);

// The hand-written version: every pair once, a union-find, groups of two or more.
function plainNearDuplicates(data, n) {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (a) => {
    while (parent[a] !== a) a = parent[a] = parent[parent[a]];
    return a;
  };
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += data[a * d + j] * data[b * d + j];
      if (dot >= threshold) parent[Math.max(find(a), find(b))] = Math.min(find(a), find(b));
    }
  }
  const groups = new Map();
  for (let i = 0; i < n; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()].filter((g) => g.length > 1);
}

// Of the pairs of items the exact scan puts in one group, the share `found` also groups.
function groupedPairRecall(exact, found) {
  const groupOf = new Map();
  found.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
  let pairs = 0;
  let kept = 0;
  for (const g of exact) {
    for (let a = 0; a < g.length; a++) {
      for (let b = a + 1; b < g.length; b++) {
        pairs++;
        if (groupOf.has(g[a]) && groupOf.get(g[a]) === groupOf.get(g[b])) kept++;
      }
    }
  }
  return pairs ? kept / pairs : 1;
}

await init();
// One thread, as the peers here run (bench/threads.mjs times the core's threads).
core().useThreads(1);
const lines = [
  '## Near-duplicate groups',
  '',
  `Command: \`npm run bench -- near-duplicates\` (\`node bench/near-duplicates.mjs --sizes ${args.sizes} --runs ${runs}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. ${d}-d clustered unit vectors with 1 in 10 a near copy of another; threshold ${threshold}; one thread.`,
  '',
  '| n | clipscope WASM s (min / median) | groups | plain JS double loop s | ratio | ApproximateIndex s (min / median) | its share of the exact grouped pairs | vs the exact scan |',
  '|---|---|---|---|---|---|---|---|',
];
for (const n of sizes) {
  log(`n = ${n}`);
  const data = clusteredUnitVectors(n, d, Math.max(10, n / 100), 0.6, n);
  for (let i = 0; i < n; i += 10) {
    // near copies: a small nudge of the previous item
    const j = Math.max(0, i - 1);
    for (let k = 0; k < d; k++) data[i * d + k] = data[j * d + k] + 0.002 * Math.sin(i + k);
  }
  const index = new EmbeddingIndex(d);
  index.addMany(
    Array.from({ length: n }, (_, i) => i),
    data,
  );
  const indexRuns = n > 20000 ? 1 : runs;
  let groups;
  const exactRun = n <= exactLimit;
  const ours = exactRun ? timed(indexRuns, () => (groups = index.nearDuplicates(threshold))) : undefined;
  index.delete();
  // The approximate index, with float copies so that its pairs are verified exactly.
  const approx = new ApproximateIndex(d, { exactScores: true });
  for (let from = 0; from < n; from += 50000)
    approx.addMany(
      Array.from({ length: Math.min(50000, n - from) }, (_, i) => from + i),
      data.subarray(from * d, Math.min(n, from + 50000) * d),
    );
  let approxGroups;
  const approxRun = timed(runs, () => (approxGroups = approx.nearDuplicates(threshold)));
  approx.delete();
  const share = exactRun ? groupedPairRecall(groups, approxGroups).toFixed(4) : 'exact not run';
  const speedup = exactRun ? ratio(ours.seconds, approxRun.seconds) : '–';
  const approxCell = `${min(approxRun.seconds).toFixed(2)} / ${median(approxRun.seconds).toFixed(2)}`;
  if (!exactRun) {
    lines.push(
      `| ${n.toLocaleString('en')} | not run (quadratic: ~${((n / exactLimit) ** 2).toFixed(1)}× the ${exactLimit.toLocaleString('en')} time) | ${approxGroups.length} (approximate) | not run | – | ${approxCell} | ${share} | ${speedup} |`,
    );
    continue;
  }
  let plainCell = 'not run (quadratic: ~' + ((n / 10000) ** 2).toFixed(0) + '× the 10k time)';
  let ratioCell = '–';
  if (n <= 10000) {
    let plainGroups;
    const plain = timed(1, () => (plainGroups = plainNearDuplicates(data, n)));
    if (plainGroups.length !== groups.length)
      throw new Error(`group counts differ: ${plainGroups.length} vs ${groups.length}`);
    plainCell = `${min(plain.seconds).toFixed(2)} (1 run)`;
    ratioCell = ratio(plain.seconds, ours.seconds);
  }
  lines.push(
    `| ${n.toLocaleString('en')} | ${min(ours.seconds).toFixed(2)} / ${median(ours.seconds).toFixed(2)}${indexRuns < runs ? ' (1 run)' : ''} | ${groups.length} | ${plainCell} | ${ratioCell} | ${approxCell} | ${share} | ${speedup} |`,
  );
}
lines.push(
  '',
  'The scan is exact: all n²/2 pairs are considered, two rows against two per kernel call in cache-sized tiles; a dot product over a quarter of the dimensions plus a Cauchy–Schwarz bound on the rest decides which pairs get the full one.',
  'The approximate index (`ApproximateIndex.nearDuplicates`, float copies kept) compares each inverted list with itself and its two nearest lists (int8 scores, then the exact check): its time includes none of the building. "Share" counts the pairs of items the exact scan puts in one group that it also groups.',
  '',
);
const markdown = lines.join('\n');
if (args.out) writeSection(args.out, 'near-duplicates', markdown);
process.stdout.write(markdown);
