// WebKitGTK through its WebDriver (WebKitWebDriver, classic W3C WebDriver over HTTP) driving
// MiniBrowser under Xvfb. The driver serves one session, so each page is its own driver, session
// and browser, with its own storage.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { EngineBrowser, EngineContext, EnginePage, LaunchOptions, PageOptions } from './engine.js';
import { COLLECT_PAGE_ERRORS, downloadInPage, pickInPage } from './engine.js';
import { pickedFiles } from './picked-files.js';
import { startXvfb } from './xvfb.js';

export const webkitDriverPath = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
export const miniBrowserPath =
  process.env.WEBKIT_BROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Call = (method: string, path: string, body?: unknown, timeoutMs?: number) => Promise<any>;
type Session = { call: Call; capabilities: any; end: () => Promise<void> };

// Opening a session starts MiniBrowser: a second or two alone, longer on a loaded machine. A
// start with no answer in 30 s is named and given up, and a second driver tried, so that a stuck
// start neither hangs a hook nor times it out with no step named.
const SESSION_START_MS = 30_000;

/** One WebKitWebDriver process with its one session (the driver takes no second): one browser. */
async function startSession(display: string, proxy: string | undefined): Promise<Session> {
  try {
    return await startSessionOnce(display, proxy);
  } catch (error) {
    console.warn(`WebKit: ${error instanceof Error ? error.message : error}; starting a second driver`);
    return startSessionOnce(display, proxy);
  }
}

async function startSessionOnce(display: string, proxy: string | undefined): Promise<Session> {
  const port = await freePort();
  const driver = spawn(webkitDriverPath, [`--port=${port}`], {
    stdio: 'ignore',
    env: { ...process.env, DISPLAY: display },
  });
  const base = `http://127.0.0.1:${port}`;
  const call: Call = async (method, path, body, timeoutMs) => {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
    });
    const json: any = await response.json();
    if (!response.ok) throw new Error(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  };
  for (let tries = 0; ; tries++) {
    try {
      await call('GET', '/status');
      break;
    } catch (error) {
      if (tries > 200) {
        driver.kill();
        throw new Error(`WebKitWebDriver did not start: ${error}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const created = await call(
    'POST',
    '/session',
    {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': {
            binary: miniBrowserPath,
            args: [
              '--automation',
              ...(proxy ? [`--proxy=http://${proxy}`, '--ignore-host=127.0.0.1', '--ignore-host=localhost'] : []),
            ],
          },
          unhandledPromptBehavior: 'accept',
        },
      },
    },
    SESSION_START_MS,
  ).catch((error) => {
    driver.kill();
    throw new Error(
      error?.name === 'TimeoutError'
        ? `WebKitWebDriver opened no session within ${SESSION_START_MS / 1000} s`
        : `WebKitWebDriver opened no session: ${error}`,
      { cause: error },
    );
  });
  const id: string = created.sessionId;
  const inSession: Call = (method, path, body) => call(method, `/session/${id}${path}`, body);
  // A navigation that never completes fails by name within a test's time (180 s for tests
  // that load a model), instead of the test timing out with no step named.
  await inSession('POST', '/timeouts', { script: 600_000, pageLoad: 60_000 });
  let ended = false;
  return {
    call: inSession,
    capabilities: created.capabilities,
    end: async () => {
      if (ended) return;
      ended = true;
      await call('DELETE', `/session/${id}`).catch(() => undefined);
      driver.kill();
    },
  };
}

export async function launchWebKitEngine(options: LaunchOptions = {}): Promise<EngineBrowser> {
  for (const path of [webkitDriverPath, miniBrowserPath])
    if (!existsSync(path)) throw new Error(`${path} is missing: sudo apt-get install -y webkit2gtk-driver`);
  const xvfb = await startXvfb();
  const proxy = options.proxy ? new URL(options.proxy).host : undefined;
  const open = new Set<EnginePage>();
  const newPage = async (pageOptions?: PageOptions): Promise<EnginePage> => {
    const session = await startSession(xvfb.display, proxy);
    const page = webkitPage(session.call, async () => {
      open.delete(page);
      await session.end();
    });
    open.add(page);
    if (pageOptions?.viewport) await page.setViewport(pageOptions.viewport.width, pageOptions.viewport.height);
    return page;
  };
  // The engine's version as the driver reports it (WebKitGTK's, e.g. 2.50.6).
  const probe = await startSession(xvfb.display, proxy);
  const version: string = probe.capabilities.browserVersion;
  await probe.end();
  return {
    name: 'webkit',
    version,
    newContext: async (): Promise<EngineContext> => {
      const pages: EnginePage[] = [];
      return {
        newPage: async (pageOptions) => {
          const page = await newPage(pageOptions);
          pages.push(page);
          return page;
        },
        close: async () => void (await Promise.all(pages.map((page) => page.close()))),
      };
    },
    newPage,
    close: async () => {
      await Promise.all([...open].map((page) => page.close()));
      xvfb.stop();
    },
  };
}

function webkitPage(call: Call, end: () => Promise<void>): EnginePage {
  const find = async (selector: string): Promise<string> =>
    (await call('POST', '/element', { using: 'css selector', value: selector }))[ELEMENT];
  const evaluate = async (fn: any, arg?: any): Promise<any> => {
    // The page's result crosses as JSON text so that `undefined` survives where WebDriver would make it null.
    const script = `
      const done = arguments[arguments.length - 1];
      const arg = arguments[0];
      const encode = (v) => JSON.stringify(v === undefined ? { u: 1 } : { v }, (k, x) => (x === undefined ? { __undefined: 1 } : x));
      Promise.resolve().then(() => (${fn.toString()})(arg)).then(
        (v) => done({ ok: encode(v) }),
        (e) => done({ error: e && e.name ? e.name + ': ' + e.message : String(e) }));`;
    const reply = await call('POST', '/execute/async', { script, args: [arg ?? null] });
    if (reply.error !== undefined) throw new Error(reply.error);
    const parsed = JSON.parse(reply.ok, (_key, value) =>
      value && typeof value === 'object' && value.__undefined === 1 && Object.keys(value).length === 1
        ? undefined
        : value,
    );
    return parsed.u === 1 ? undefined : parsed.v;
  };
  const installErrorCollector = () => call('POST', '/execute/sync', { script: COLLECT_PAGE_ERRORS, args: [] });
  let lastErrors: string[] = [];
  const page: EnginePage = {
    engine: 'webkit',
    goto: async (url) => {
      await call('POST', '/url', { url });
      await installErrorCollector();
    },
    reload: async () => {
      lastErrors = await page.errors();
      await call('POST', '/refresh', {});
      await installErrorCollector();
    },
    evaluate,
    click: async (selector) => void (await call('POST', `/element/${await find(selector)}/click`, {})),
    fill: async (selector, text) => {
      const element = await find(selector);
      await call('POST', `/element/${element}/clear`, {});
      await call('POST', `/element/${element}/value`, { text });
    },
    pressEnter: async (selector) =>
      void (await call('POST', `/element/${await find(selector)}/value`, { text: '\uE007' })),
    // WebKitWebDriver can neither type paths into a file input nor report downloads: both
    // go through the page.
    setInputFiles: (selector, paths) => pickInPage(page, selector, pickedFiles(paths)),
    download: (selector) => downloadInPage(page, selector),
    screenshot: async (path) => writeFileSync(path, Buffer.from(await call('GET', '/screenshot'), 'base64')),
    setViewport: async (width, height) => void (await call('POST', '/window/rect', { width, height })),
    errors: async () => [...lastErrors, ...(await evaluate(() => (window as any).__pageErrors ?? []))],
    close: end,
  };
  return page;
}
