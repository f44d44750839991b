// The demo page, built by Vite from the package, in Chromium: the index is built and searched
// in the browser, and no request leaves localhost.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';

const config = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));
const built = new URL('../../build/web/index.html', import.meta.url);
const shots = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url));

let server: PreviewServer;
let browser: Browser;
let url: string;

beforeAll(async () => {
  if (!existsSync(built)) throw new Error('build/web is missing: `npm test` builds the demo first');
  server = await preview({ configFile: config, preview: { port: 0, open: false }, logLevel: 'warn' });
  url = server.resolvedUrls!.local[0];
  browser = await launchChromium();
  mkdirSync(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

describe('demo page', () => {
  it('builds an index of random vectors and finds an item as its own best match', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));

    await page.goto(url);
    await page.getByText('Ready.').waitFor();
    await page.fill('#count', '3000');
    await page.selectOption('#storage', 'int8-exact');
    await page.click('#build');
    await expect.poll(() => page.textContent('#build-status')).toMatch(
      /^Indexed 3000 vectors of 512 dims \(int8-exact\) in \d+ ms; [\d.]+ MB\.$/,
    );
    await page.fill('#item', '42');
    await page.click('#search');
    await page.locator('#results tbody tr').nth(9).waitFor();
    const firstRow = await page.locator('#results tbody tr').first().locator('td').allTextContents();
    expect(firstRow).toEqual(['1', '42', '1.0000']);
    expect(await page.textContent('#search-status')).toMatch(/^Top 10 of 3000 in [\d.]+ ms\.$/);
    await page.screenshot({ path: `${shots}demo-search.png`, fullPage: true });

    await page.fill('#item', '5000'); // beyond the index: the form refuses it
    expect(await page.$eval('#item', (input) => (input as HTMLInputElement).validity.rangeOverflow)).toBe(true);

    expect(errors).toEqual([]);
    const origin = new URL(url).origin;
    expect(requests.filter((r) => !r.startsWith(origin) && !r.startsWith('data:'))).toEqual([]);
    expect(requests.some((r) => r.endsWith('.wasm'))).toBe(true);
    await page.close();
  });
});
