// A fresh app installs the clipscope tarball (a real install from `npm pack`, not a link),
// bundles it with Vite and with webpack and runs each bundle in every engine (Chromium, Firefox,
// WebKit): embed with the test model in the Worker (JPEGs through the decoding Worker it starts),
// search and cluster, asking for no script the bundle lacks. A Node script uses the
// same installed package.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine, waitInPage, type EngineName } from '../e2e/engines/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clipscope-consumer-'));
const app = join(work, 'app');
const devDependencies = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies as Record<
  string,
  string
>;
const bundlers = ['vite', 'webpack', 'webpack-cli'].map((name) => `${name}@${devDependencies[name]}`);

beforeAll(() => {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }),
  );
  cpSync(fileURLToPath(new URL('./app/', import.meta.url)), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  // --prefer-offline: the packages are in npm's cache after the project's own install.
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename), ...bundlers],
    { cwd: app, stdio: 'pipe' },
  );
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runIn(engine: EngineName, folder: string, crossOriginIsolated = false): Promise<unknown> {
  cpSync(join(root, 'build/models/clip-colors'), join(folder, 'models/clip-colors'), { recursive: true });
  const server = await serveRepository({ root: folder, crossOriginIsolated });
  const browser = await launchEngine(engine);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/index.html`);
    await waitInPage(page, () => document.body.textContent?.includes('done'), 60_000);
    expect(await page.errors()).toEqual([]);
    // Every script the app asked for is in the bundle (a Worker script left out would be a 404).
    const scripts = server.requests.filter((path) => /\.(m?js|wasm)$/.test(path));
    expect(scripts.filter((path) => !existsSync(join(folder, path)))).toEqual([]);
    return await page.evaluate(() => (window as unknown as { result: unknown }).result);
  } finally {
    await browser.close();
    await server.close();
  }
}

const expected = {
  backend: 'wasm',
  coreThreads: 1, // the page is not cross-origin isolated: the single-thread build
  added: 6,
  byText: expect.arrayContaining(['blue-0', 'blue-1', 'blue-2']),
  clusters: expect.arrayContaining([
    ['red', 'red', 'red'],
    ['blue', 'blue', 'blue'],
  ]),
};

// Each bundle is built once, the first time an engine needs it.
const bundles = new Map<string, string>();
function bundle(bundler: 'vite' | 'webpack'): string {
  if (!bundles.has(bundler)) {
    if (bundler === 'vite') {
      execFileSync('npx', ['vite', 'build'], { cwd: app, stdio: 'pipe' });
      bundles.set(bundler, join(app, 'dist'));
    } else {
      execFileSync('npx', ['webpack', '--config', 'webpack.config.cjs'], { cwd: app, stdio: 'pipe' });
      // webpack emits only scripts and assets: the page is the app's own, loading the bundle.
      const html = readFileSync(join(app, 'index.html'), 'utf8').replace(
        '<script type="module" src="./main.js">',
        '<script src="./main.js">',
      );
      writeFileSync(join(app, 'dist-webpack/index.html'), html);
      bundles.set(bundler, join(app, 'dist-webpack'));
    }
  }
  return bundles.get(bundler)!;
}

describe('an app that installed the tarball', () => {
  it.each(ENGINES)(
    'bundles with Vite and embeds, searches and clusters in %s',
    async (engine) => {
      expect(await runIn(engine, bundle('vite'))).toEqual(expected);
    },
    120_000,
  );

  it.each(ENGINES)(
    'bundles with webpack and embeds, searches and clusters in %s',
    async (engine) => {
      expect(await runIn(engine, bundle('webpack'))).toEqual(expected);
    },
    180_000,
  );

  // On a cross-origin isolated page the Worker's core loads its shared-memory build and starts
  // its helper Workers, which each bundler must have bundled by itself (Chromium: the other
  // engines' isolated runs are in tests/e2e).
  it.each(['vite', 'webpack'] as const)(
    "bundles the core's helper threads with %s: they start on an isolated page",
    async (bundler) => {
      const threads = Math.min(8, availableParallelism());
      expect(await runIn('chromium', bundle(bundler), true)).toEqual({ ...expected, coreThreads: threads });
    },
    180_000,
  );

  it('installs the clipscope command', () => {
    const help = execFileSync('npx', ['--no-install', 'clipscope', '--help'], { cwd: app, encoding: 'utf8' });
    expect(help).toMatch(/^Usage: clipscope index <folder> \[options\]/);
  });

  it('runs in a Node script', () => {
    const out = JSON.parse(
      execFileSync('node', ['node-script.mjs', join(root, 'build/models/clip-colors')], { cwd: app, encoding: 'utf8' }),
    );
    expect(out).toEqual({ top: 'yellow-a', clusters: [1, 2], decode: 'function' });
  });
});
