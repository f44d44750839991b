// The index benchmark's rounds in Chromium: the same package, the same data files, timed by
// bench/index-page in one page. Node's V8 is older than the browser's, and a browser is where
// the library runs, so both figures are reported.
import { chromium } from 'playwright-core';
import { serveRepository } from '../../scripts/static-server.mjs';
import { CHROMIUM_FLAGS, chromiumPath } from '../../scripts/chromium-flags.mjs';

/** Starts the server (cross-origin isolated, as the demo is served) and the browser. */
export async function openIndexBrowser() {
  const server = await serveRepository({ crossOriginIsolated: true });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  const page = await browser.newPage();
  await page.goto(`${server.url}/bench/index-page/index.html`);
  await page.getByText('ready').waitFor();
  return {
    version: browser.version(),
    /** One round over every storage: { [storage]: { build, single, batch, ids } } (seconds). */
    round: (files) => page.evaluate((options) => window.benchIndex(options), files),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
