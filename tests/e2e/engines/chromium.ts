// Debian's Chromium through playwright-core, with the flags this sandbox needs.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../../scripts/chromium-flags.mjs';
import type { EngineBrowser, EngineContext, EnginePage, LaunchOptions, PageOptions } from './engine.js';

export async function launchChromiumEngine(options: LaunchOptions = {}): Promise<EngineBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: sudo apt-get install -y chromium`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [...CHROMIUM_FLAGS, ...(options.chromiumArgs ?? [])],
    ...(options.proxy ? { proxy: { server: options.proxy, bypass: 'localhost,127.0.0.1' } } : {}),
  });
  const newContext = async (): Promise<EngineContext> => {
    const context = await browser.newContext({ acceptDownloads: true });
    return {
      newPage: async (pageOptions) => wrapPage(await context.newPage(), pageOptions),
      close: () => context.close(),
    };
  };
  let shared: EngineContext | undefined;
  return {
    name: 'chromium',
    version: browser.version(),
    newContext,
    newPage: async (pageOptions) => (shared ??= await newContext()).newPage(pageOptions),
    close: () => browser.close(),
  };
}

async function wrapPage(page: Page, options: PageOptions = {}): Promise<EnginePage> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('dialog', (dialog) => void dialog.accept());
  if (options.viewport) await page.setViewportSize(options.viewport);
  return {
    engine: 'chromium',
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    evaluate: (fn: any, arg?: any) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    fill: (selector, text) => page.fill(selector, text),
    pressEnter: (selector) => page.press(selector, 'Enter'),
    setInputFiles: (selector, paths) => page.setInputFiles(selector, paths),
    download: async (selector) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
      const path = await download.path();
      return { name: download.suggestedFilename(), bytes: readFileSync(path) };
    },
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
    setViewport: (width, height) => page.setViewportSize({ width, height }),
    errors: async () => [...errors],
    close: () => page.close(),
  };
}
