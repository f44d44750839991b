// What every browser test needs from a browser, the same for the three engines: pages that
// navigate, run a function in the page, click, type, pick files and take screenshots. Chromium
// is driven by playwright-core (CDP), Firefox by puppeteer-core (WebDriver BiDi) and WebKitGTK by
// its WebDriver (WebKitWebDriver) under Xvfb.
export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface PageOptions {
  viewport?: { width: number; height: number };
}

export interface EnginePage {
  readonly engine: EngineName;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Runs `fn` (its source: it must not close over anything) in the page with `arg` as JSON. */
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
  evaluate<A, R>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  click(selector: string): Promise<void>;
  /** Replaces the text of an input and types `text` into it. */
  fill(selector: string, text: string): Promise<void>;
  pressEnter(selector: string): Promise<void>;
  setInputFiles(selector: string, paths: string[]): Promise<void>;
  screenshot(path: string): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  /** Uncaught errors and unhandled rejections the page raised so far. */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

export interface EngineContext {
  newPage(options?: PageOptions): Promise<EnginePage>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra Chromium command-line flags (WebGPU's, say); other engines ignore them. */
  chromiumArgs?: string[];
  /** Requests to other hosts than loopback go to this proxy (see outside-proxy.ts). */
  proxy?: string;
}

export interface EngineBrowser {
  readonly name: EngineName;
  /** The engine's own version, as its driver reports it. */
  readonly version: string;
  /** A context with its own storage (IndexedDB, OPFS, caches). */
  newContext(): Promise<EngineContext>;
  newPage(options?: PageOptions): Promise<EnginePage>;
  close(): Promise<void>;
}

/** Polls `predicate` in the page until it returns something truthy. */
export async function waitInPage(page: EnginePage, predicate: () => unknown, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await page.evaluate(predicate)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${predicate}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The script that reports a page's uncaught errors in `window.__pageErrors` (where the driver has no event for them). */
export const COLLECT_PAGE_ERRORS = `
  if (!window.__pageErrors) {
    window.__pageErrors = [];
    addEventListener('error', (e) => window.__pageErrors.push(String(e.error ?? e.message)));
    addEventListener('unhandledrejection', (e) => window.__pageErrors.push(String(e.reason)));
  }`;
