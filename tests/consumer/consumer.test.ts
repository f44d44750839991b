// A fresh app installs the clipscope tarball (a real install from `npm pack`, not a link),
// bundles it with Vite and runs it in Chromium: embed with the test model in the Worker, search
// and cluster. A Node script uses the same installed package.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { launchChromium } from '../e2e/browser.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clipscope-consumer-'));
const app = join(work, 'app');
const viteVersion = JSON.parse(execFileSync('node', ['-p', 'JSON.stringify(require("./package.json").devDependencies.vite)'], { cwd: root, encoding: 'utf8' }));

beforeAll(() => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' }));
  cpSync(fileURLToPath(new URL('./app/', import.meta.url)), app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
  // --prefer-offline: the packages are in npm's cache after the project's own install.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed.filename), `vite@${viteVersion}`], { cwd: app, stdio: 'pipe' });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('an app that installed the tarball', () => {
  it('bundles with Vite and embeds, searches and clusters in Chromium', async () => {
    execFileSync('npx', ['vite', 'build'], { cwd: app, stdio: 'pipe' });
    cpSync(join(root, 'build/models/clip-colors'), join(app, 'dist/models/clip-colors'), { recursive: true });
    const server = await serveRepository({ root: join(app, 'dist') });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/index.html`);
      await page.getByText('done').waitFor({ timeout: 60_000 });
      const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
      expect(result).toEqual({
        backend: 'wasm',
        added: 6,
        byText: expect.arrayContaining(['blue-0', 'blue-1', 'blue-2']),
        clusters: expect.arrayContaining([['red', 'red', 'red'], ['blue', 'blue', 'blue']]),
      });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);

  it('runs in a Node script', () => {
    const out = JSON.parse(execFileSync('node', ['node-script.mjs', join(root, 'build/models/clip-colors')], { cwd: app, encoding: 'utf8' }));
    expect(out).toEqual({ top: 'yellow-a', clusters: [1, 2], decode: 'function' });
  });
});
