// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (Firefox's own remote agent:
// no geckodriver, no downloaded browser).
import { existsSync } from 'node:fs';
import puppeteer, { type Page } from 'puppeteer-core';
import type { EngineBrowser, EngineContext, EnginePage, LaunchOptions, PageOptions } from './engine.js';

export const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export async function launchFirefoxEngine(options: LaunchOptions = {}): Promise<EngineBrowser> {
  if (!existsSync(firefoxPath)) throw new Error(`${firefoxPath} is missing: sudo apt-get install -y firefox-esr`);
  const proxy = options.proxy ? new URL(options.proxy) : undefined;
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    extraPrefsFirefox: {
      // No update checks, telemetry or other traffic of the browser's own.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      ...(proxy
        ? {
            'network.proxy.type': 1,
            'network.proxy.http': proxy.hostname,
            'network.proxy.http_port': Number(proxy.port),
            'network.proxy.ssl': proxy.hostname,
            'network.proxy.ssl_port': Number(proxy.port),
            'network.proxy.no_proxies_on': '127.0.0.1, localhost',
          }
        : {}),
    },
  });
  const version = (await browser.version()).replace(/^firefox\//, '');
  const newContext = async (): Promise<EngineContext> => {
    const context = await browser.createBrowserContext();
    return {
      newPage: async (pageOptions) => wrapPage(await context.newPage(), pageOptions),
      close: () => context.close(),
    };
  };
  let shared: EngineContext | undefined;
  return {
    name: 'firefox',
    version,
    newContext,
    newPage: async (pageOptions) => (shared ??= await newContext()).newPage(pageOptions),
    close: () => browser.close(),
  };
}

async function wrapPage(page: Page, options: PageOptions = {}): Promise<EnginePage> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.setDefaultTimeout(120_000);
  if (options.viewport) await page.setViewport(options.viewport);
  return {
    engine: 'firefox',
    goto: async (url) => void (await page.goto(url)),
    reload: async () => void (await page.reload()),
    evaluate: (fn: any, arg?: any) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    fill: (selector, text) => page.locator(selector).fill(text),
    pressEnter: async (selector) => {
      await page.focus(selector);
      await page.keyboard.press('Enter');
    },
    setInputFiles: async (selector, paths) => {
      const input = await page.$(selector);
      if (!input) throw new Error(`no element ${selector}`);
      await (input as any).uploadFile(...paths);
    },
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
    setViewport: (width, height) => page.setViewport({ width, height }),
    errors: async () => [...errors],
    close: () => page.close(),
  };
}
