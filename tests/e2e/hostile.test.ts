// The hostile-input battery (tests/hostile/battery.ts) in every engine, bundled by Vite like an
// app: the same typed errors and results as in Node, an index made before saves the same bytes,
// and the WASM heap and Embind handles stay flat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { EXPECTED_OUTCOMES } from '../hostile/expected.js';
import type { HostileReport } from '../hostile/battery.js';
import { ENGINES, launchEngine, type EngineBrowser } from './engines/index.js';
import { openApp, requireApp } from './app-page.js';

let server: Awaited<ReturnType<typeof serveRepository>>;

beforeAll(async () => {
  requireApp();
  server = await serveRepository();
});
afterAll(() => server?.close());

describe.each(ENGINES)('hostile input in %s', (engine) => {
  let browser: EngineBrowser;
  beforeAll(async () => {
    browser = await launchEngine(engine);
  });
  afterAll(() => browser?.close());

  it('gives the same typed errors and results as Node, changes and leaks nothing', async () => {
    const page = await openApp(browser, server.url);
    const report: HostileReport = await page.evaluate(() => (window as any).runHostile());
    expect(report.outcomes).toEqual(EXPECTED_OUTCOMES);
    expect(report.savedBytesUnchanged).toBe(true);
    expect(report.laterSearch).toEqual(['b', 'c']);
    expect(report.heapGrowth).toBe(0);
    expect(report.handleGrowth).toBe(0);
    expect(await page.errors()).toEqual([]);
  }, 120_000);
});
