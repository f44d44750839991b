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
  /** Picks files for a file input, as the user would; a folder is picked whole (webkitdirectory inputs). */
  setInputFiles(selector: string, paths: string[]): Promise<void>;
  /** Clicks `selector` and returns the file the page downloads in response. */
  download(selector: string): Promise<{ name: string; bytes: Buffer }>;
  screenshot(path: string): Promise<void>;
  setViewport(width: number, height: number): Promise<void>;
  /** Uncaught errors and unhandled rejections the page raised so far. */
  errors(): Promise<string[]>;
  close(): Promise<void>;
}

// Dialogs (confirm, alert) are accepted in every engine, as a user clicking OK would.

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

/** A file to hand to a page: its name, the folder path a folder picker reports, and its bytes. */
export interface PickedFile {
  name: string;
  relativePath: string;
  /** Base64: drivers serialise a string at once, an array number by number. */
  base64: string;
}

/**
 * Hands files to a file input through the page, where the driver cannot pick them: a
 * DataTransfer's FileList (what a picker yields), each with the folder path a folder picker
 * would report, then the events the picker fires.
 */
export async function pickInPage(page: EnginePage, selector: string, files: PickedFile[]): Promise<void> {
  await page.evaluate(
    ({ selector, files }) => {
      const input = document.querySelector(selector) as HTMLInputElement | null;
      if (!input) throw new Error(`no element ${selector}`);
      const transfer = new DataTransfer();
      for (const file of files) {
        const picked = new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name);
        if (file.relativePath) Object.defineProperty(picked, 'webkitRelativePath', { value: file.relativePath });
        transfer.items.add(picked);
      }
      input.files = transfer.files;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { selector, files },
  );
}

/**
 * Clicks `selector` and catches the download the page starts with a link's download attribute,
 * where the driver has no download event: the link's target is read in the page instead of saved.
 */
export async function downloadInPage(page: EnginePage, selector: string): Promise<{ name: string; bytes: Buffer }> {
  await page.evaluate(() => {
    const w = window as unknown as { __download?: { name: string; base64?: string } };
    w.__download = undefined;
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (!this.download) return click.call(this);
      HTMLAnchorElement.prototype.click = click;
      const name = this.download;
      w.__download = { name };
      void fetch(this.href)
        .then((response) => response.arrayBuffer())
        .then((buffer) => {
          let binary = '';
          const bytes = new Uint8Array(buffer);
          for (let i = 0; i < bytes.length; i += 0x8000)
            binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
          w.__download = { name, base64: btoa(binary) };
        });
    };
  });
  await page.click(selector);
  await waitInPage(
    page,
    () => (window as unknown as { __download?: { base64?: string } }).__download?.base64 !== undefined,
  );
  const { name, base64 } = await page.evaluate(
    () => (window as unknown as { __download: { name: string; base64: string } }).__download,
  );
  return { name, bytes: Buffer.from(base64, 'base64') };
}
