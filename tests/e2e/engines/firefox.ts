// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (Firefox's own remote agent:
// no geckodriver, no downloaded browser).
import { existsSync, statSync } from 'node:fs';
import puppeteer, { type ElementHandle, type Page } from 'puppeteer-core';
import { COLLECT_PAGE_ERRORS, downloadInPage, pickInPage } from './engine.js';
import { pickedFiles } from './picked-files.js';
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
  // Uncaught errors are collected by the page itself from before its scripts run: BiDi's log
  // events would also bring the console's network messages (a refused CORS request, say).
  await page.evaluateOnNewDocument(COLLECT_PAGE_ERRORS);
  const earlier: string[] = [];
  const seen = async () => (await page.evaluate(() => (window as any).__pageErrors ?? [])) as string[];
  const leave = async () => void earlier.push(...(await seen().catch(() => [])));
  page.on('dialog', (dialog) => void dialog.accept());
  page.setDefaultTimeout(120_000);
  if (options.viewport) await page.setViewport(options.viewport);
  const wrapped: EnginePage = {
    engine: 'firefox',
    goto: async (url) => {
      await leave();
      await page.goto(url);
    },
    reload: async () => {
      await leave();
      await page.reload();
    },
    evaluate: (fn: any, arg?: any) => page.evaluate(fn, arg),
    click: (selector) => page.click(selector),
    fill: (selector, text) => page.locator(selector).fill(text),
    pressEnter: async (selector) => {
      await page.focus(selector);
      await page.keyboard.press('Enter');
    },
    setInputFiles: async (selector, paths) => {
      // Files through BiDi's input.setFiles; a folder through the page (BiDi cannot pick one).
      if (paths.some((path) => statSync(path).isDirectory())) return pickInPage(wrapped, selector, pickedFiles(paths));
      const input = await page.$(selector);
      if (!input) throw new Error(`no element ${selector}`);
      await (input as ElementHandle<HTMLInputElement>).uploadFile(...paths);
    },
    download: (selector) => downloadInPage(wrapped, selector),
    screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
    setViewport: (width, height) => page.setViewport({ width, height }),
    errors: async () => [...earlier, ...(await seen())],
    close: () => page.close(),
  };
  return wrapped;
}
