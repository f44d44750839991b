// Checks what the smoke run (`npm run bench -- smoke`) wrote: every benchmark's section with
// clipscope's and its peers' rows, and the chart. Exits 1 naming what is missing.
// Usage: node bench/check-smoke.mjs RESULTS.md RESULTS.svg
import { readFileSync } from 'node:fs';

const [resultsFile, chartFile] = process.argv.slice(2);
const results = readFileSync(resultsFile, 'utf8');
const chart = readFileSync(chartFile, 'utf8');
const missing = [];
for (const section of [
  'index',
  'threads',
  'approximate',
  'kmeans',
  'kmeans-scale',
  'near-duplicates',
  'layout',
  'preprocess',
  'clip-pipeline',
  'model-variants',
]) {
  if (!results.includes(`<!-- ${section} -->`)) missing.push(`the ${section} section`);
}
const rows = {
  'the float32 row of the index benchmark': /\| clipscope WASM float32 \|/,
  "the index benchmark's float32 row in Chromium": /\| clipscope WASM in Chromium \d+ float32 \|/,
  "the core's multiply-add peak in the index benchmark":
    /Multiply-add peak of this core .*\*\*[\d.]+ billion per second\*\*/,
  "the mini-batch inertia against full Lloyd's": /Our mini-batch inertia is -?[\d.]+% above our full Lloyd's/,
  "the approximate index's build time": /\| build, clipscope \(WASM\) \| [\d.]+ s \|/,
  "the pipeline's end-to-end ratio": /\| end-to-end throughput \| [\d.]+× \/ [\d.]+× \|/,
  'a WASM row of the model variants': /\| WASM, 1 thread \| fp32 \| [\d.]+ \/ [\d.]+ \|/,
};
for (const [what, pattern] of Object.entries(rows)) if (!pattern.test(results)) missing.push(what);
if (!chart.startsWith('<svg') || (chart.match(/<rect /g) ?? []).length < 10) missing.push('the chart');
if (missing.length) {
  console.error(`The benchmark smoke run is missing ${missing.join(', ')} (in ${resultsFile}).`);
  process.exit(1);
}
console.log(`Every benchmark ran and wrote its section: ${resultsFile}`);
