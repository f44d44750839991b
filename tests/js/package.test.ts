// `npm pack` makes a tarball that a fresh Node project installs (a real install, not a link)
// and uses: the types, the ESM entry, the .wasm and the JPEG addon all ship.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clipscope-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Size budget of what every page downloads before a model: the WASM core, its glue and the API
// (with the search vocabulary); the command line and Node's decoder never reach a page. The
// approximate index (inverted file, its format, near duplicates, the faiss export) took the
// core from 250 KB to 275 KB and the API from 54 KB to 55 KB; saving and loading in pieces
// added 11 KB to the core and 3 KB to the API; the four-stream query kernel and the
// resampler's crop window and alpha drop, 0.6 KB to the core; the approximate index's flat
// k-means trainer and int16 assignment kernel, 1.5 KB; the core's threads: its parallel loops,
// 2.3 KB of WASM, and its pool (detection, pool, the helper Worker's script) 5 KB of API,
// commented; batch preprocessing, the map layout and the approximate index's near-duplicates
// on threads (plans made before the shares, staged batches, the layout's epochs by head), 6 KB
// of WASM and 0.5 KB of API; a photo cut into bands of rows that threads share, 2.5 KB of WASM;
// the decoding Worker (its script, and the decoder that falls back to the page), 2 KB of API;
// k-means' sums by ranges of clusters and the mini-batch step's parallel copy and centre moves,
// 1.6 KB of WASM; k-means' passes over every row (checks, norms, tolerance scale, inertia) and
// the centroid groups' refresh on threads, 2.8 KB of WASM; the pool's threads checking for
// the next job before they sleep, 0.2 KB of API; the batch kernels (up to five float or four
// int8 points against two rows), 1.4 KB of WASM; k-means' sums in a share beside the
// assignment (Lloyd and the refining steps), 1.7 KB of WASM; the approximate index's batched
// search one query per share and its training's encoding and sums on threads (scratch borrowed
// from one slot per thread, sums in turn beside the assignment), 1.0 KB of WASM; its
// assignment of rows as one parallel call of small shares that each restore, encode and assign
// their own rows, 0.4 KB of WASM; the int8 quantiser's SIMD loops (a third less time to add
// int8 rows), 0.6 KB of WASM; the vector checks as one pass over the bits, 0.3 KB of WASM; a
// single query's rows split between threads (ranges scanned into selections of their own,
// merged; both kernels score a block of rows at a time), 1.4 KB of WASM; the approximate
// index's lone query likewise (its probed lists' rows cut into ranges), 0.4 KB; a lone int8
// query's four streams of rows against its codes widened once, and the approximate index's
// lists against its query's, 0.6 KB. A page loads one of the two builds: the single-thread
// one, or the shared-memory one where threads work (its glue holds Emscripten's pthread
// runtime, 6.6 KB more).
const BUDGET_GZIP_BYTES = {
  'wasm/clipscope-core.wasm': 329_000,
  'wasm/clipscope-core.mjs': 20_000,
  'wasm/clipscope-core-threads.wasm': 329_000,
  'wasm/clipscope-core-threads.mjs': 22_000,
  '**/*.js': 68_300,
};
const NODE_ONLY = (file: string) =>
  file.startsWith('cli/') || file === 'images/node-decode.js' || file === 'images/node-addon.js';

describe('size budget', () => {
  it('keeps the WASM core, its glue and the JS API within their gzipped budgets', () => {
    const dist = join(root, 'dist');
    const gz = (buffer: Buffer) => gzipSync(buffer, { level: 9 }).length;
    const api = (readdirSync(dist, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js') && !NODE_ONLY(f))
      .sort();
    const js = Buffer.concat(api.map((f) => readFileSync(join(dist, f))));
    const sizes = {
      'wasm/clipscope-core.wasm': gz(readFileSync(join(dist, 'wasm/clipscope-core.wasm'))),
      'wasm/clipscope-core.mjs': gz(readFileSync(join(dist, 'wasm/clipscope-core.mjs'))),
      'wasm/clipscope-core-threads.wasm': gz(readFileSync(join(dist, 'wasm/clipscope-core-threads.wasm'))),
      'wasm/clipscope-core-threads.mjs': gz(readFileSync(join(dist, 'wasm/clipscope-core-threads.mjs'))),
      '**/*.js': gz(js),
    };
    for (const [file, budget] of Object.entries(BUDGET_GZIP_BYTES)) {
      expect(sizes[file as keyof typeof sizes], file).toBeLessThanOrEqual(budget);
    }
  });
});

describe('npm package', () => {
  it('packs the ESM entry, the types, the WASM core and the JPEG addon, and nothing else', () => {
    const [info] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
    ) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>;
    expect(info.name).toBe('clipscope');
    const files = info.files.map((f) => f.path);
    for (const required of [
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/search/embedding-index.d.ts',
      'dist/wasm/clipscope-core.mjs',
      'dist/wasm/clipscope-core.wasm',
      'dist/wasm/clipscope-core-threads.mjs',
      'dist/wasm/clipscope-core-threads.wasm',
      'dist/wasm/thread-helper.js',
      'dist/native/clipscope-node.node',
    ]) {
      expect(files).toContain(required);
    }
    expect(files).toContain('dist/engine/worker.js');
    expect(
      files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f)),
    ).toEqual([]);

    // A consumer project installs the tarball and runs it from its own node_modules (from npm's
    // cache where it can: after `npm ci` the cache has the tarballs but not always the
    // registry's metadata of each dependency, which --offline would need).
    const app = join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, info.filename)], {
      cwd: app,
    });
    expect(readdirSync(join(app, 'node_modules', 'clipscope', 'dist', 'wasm'))).toContain('clipscope-core.wasm');
    writeFileSync(
      join(app, 'main.mjs'),
      `import { EmbeddingIndex } from 'clipscope';
       const index = await EmbeddingIndex.create(3, { storage: 'int8-exact' });
       index.addMany(['x', 'y'], new Float32Array([1, 0, 0, 0, 1, 0]));
       const hits = index.search([0.1, 1, 0], 2);
       const { nodeJpegDecoder } = await import('clipscope/advanced');
       console.log(JSON.stringify({ ids: hits.ids, bytes: index.save().length, jpeg: (await nodeJpegDecoder()).name }));
       index.delete();`,
    );
    const out = JSON.parse(execFileSync('node', ['main.mjs'], { cwd: app, encoding: 'utf8' }));
    expect(out.ids).toEqual(['y', 'x']);
    expect(out.bytes).toBeGreaterThan(28);
    // The addon loads from the installed package.
    expect(out.jpeg).toBe('libjpeg-turbo');
  });
});
