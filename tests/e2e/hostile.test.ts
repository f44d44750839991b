// The hostile-input battery (tests/hostile/battery.ts) in Chromium, bundled by Vite like an app:
// the same typed errors and results as in Node, an index made before saves the same bytes, and
// the WASM heap and Embind handles stay flat.
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { serveRepository } from '../../scripts/static-server.mjs';
import { EXPECTED_OUTCOMES } from '../hostile/expected.js';
import type { HostileReport } from '../hostile/battery.js';

const app = '/build/e2e-app/index.html';
let server: Awaited<ReturnType<typeof serveRepository>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(new URL('../../build/e2e-app/index.html', import.meta.url)))
    throw new Error('build/e2e-app is missing: npm test builds it');
  server = await serveRepository();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe('hostile input in Chromium', () => {
  it('gives the same typed errors and results as Node, changes and leaks nothing', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(server.url + app);
    await page.getByText('ready').waitFor();
    const report: HostileReport = await page.evaluate(() => (window as any).runHostile());
    expect(report.outcomes).toEqual(EXPECTED_OUTCOMES);
    expect(report.savedBytesUnchanged).toBe(true);
    expect(report.laterSearch).toEqual(['b', 'c']);
    expect(report.heapGrowth).toBe(0);
    expect(report.handleGrowth).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);
});
