// The test pages opened in an engine: the pipeline page (tests/e2e/app, bundled by Vite like any
// app) and the package page (tests/e2e/pages/decode.html, the built package unbundled).
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { waitInPage, type EngineBrowser, type EngineContext, type EnginePage } from './engines/index.js';

const APP = '/build/e2e-app/index.html';

export function requireApp(): void {
  if (!existsSync(new URL('../../build/e2e-app/index.html', import.meta.url)))
    throw new Error('build/e2e-app is missing: npm test builds it');
}

/** Opens the page at `origin` and waits until it has exposed the package; it must raise no error. */
export async function openApp(browser: EngineBrowser | EngineContext, origin: string): Promise<EnginePage> {
  const page = await browser.newPage();
  await page.goto(origin + APP);
  await appReady(page);
  return page;
}

export async function appReady(page: EnginePage): Promise<void> {
  await waitInPage(page, () => document.getElementById('status')?.textContent === 'ready');
  expect(await page.errors()).toEqual([]);
}

/** Opens the package page at `origin` and waits until the package has loaded its core. */
export async function openPackagePage(browser: EngineBrowser, origin: string): Promise<EnginePage> {
  const page = await browser.newPage();
  await page.goto(`${origin}/tests/e2e/pages/decode.html`);
  await waitInPage(page, () => (window as unknown as { ready?: Promise<boolean> }).ready);
  await page.evaluate(() => (window as unknown as { ready: Promise<boolean> }).ready);
  return page;
}
