// The benchmark harness on tiny sizes (`npm run bench -- smoke`), so it cannot rot: every
// benchmark runs clipscope and its peers and writes its section, and the chart is drawn.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clipscope-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('runs every benchmark on tiny sizes and charts the ratios', { timeout: 900_000 }, () => {
  const out = join(work, 'RESULTS.md');
  // On the package the suite has just built and tests, not rebuilt.
  execFileSync('bash', ['bench/run.sh', 'smoke', out], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, CLIPSCOPE_BENCH_PREBUILT: '1' },
  });
  const results = readFileSync(out, 'utf8');
  for (const section of [
    'index',
    'threads',
    'approximate',
    'kmeans',
    'kmeans-scale',
    'near-duplicates',
    'preprocess',
    'clip-pipeline',
  ]) {
    expect(results).toContain(`<!-- ${section} -->`);
  }
  expect(results).toMatch(/\| clipscope WASM float32 \|/);
  expect(results).toMatch(/Our mini-batch inertia is -?[\d.]+% above our full Lloyd's/);
  expect(results).toMatch(/\| build, clipscope \(WASM\) \| [\d.]+ s \|/);
  expect(results).toMatch(/\| end-to-end throughput \| [\d.]+× \/ [\d.]+× \|/);
  const svg = readFileSync(join(work, 'RESULTS.svg'), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThanOrEqual(10);
});
