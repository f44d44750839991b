// Shared by the demo's end-to-end tests: the built demo served by Vite's preview server, the
// engine started with every request outside loopback refused (and listed), a page with the
// bundled test model loaded, and photos generated in the page and dropped on it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';
import {
  launchEngine,
  waitInPage,
  type EngineBrowser,
  type EngineContext,
  type EngineName,
  type EnginePage,
} from './engines/index.js';
import { text } from './engines/dom.js';
import { startOutsideProxy } from './engines/outside-proxy.js';

const config = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

export function requireDemo(): void {
  if (!existsSync(new URL('../../build/web/index.html', import.meta.url)))
    throw new Error('build/web is missing: `npm test` builds the demo first');
}

export async function startDemoServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    configFile: config,
    preview: { port: 0, open: false },
    logLevel: 'warn',
  });
  return {
    url: server.resolvedUrls!.local[0],
    close: () => new Promise<void>((resolve) => server.httpServer.close(() => resolve())),
  };
}

/** The engine with no network but loopback: `outside` lists what the pages tried to reach. */
export async function launchOffline(
  engine: EngineName,
): Promise<{ browser: EngineBrowser; outside: string[]; close: () => Promise<void> }> {
  const proxy = await startOutsideProxy();
  const browser = await launchEngine(engine, { proxy: proxy.url });
  return {
    browser,
    outside: proxy.requests,
    close: async () => {
      await browser.close();
      await proxy.close();
    },
  };
}

/** A fresh context (its own IndexedDB) with the demo open. */
export async function openDemo(
  browser: EngineBrowser,
  url: string,
): Promise<{ context: EngineContext; page: EnginePage }> {
  const context = await browser.newContext();
  const page = await context.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(url);
  await demoReady(page);
  return { context, page };
}

/**
 * How long a model load may take in a test. Where onnxruntime-web's threads hang (Firefox, now
 * and then), ClipscopeWorker waits 30 s without a sign of life before it starts again on one
 * thread: a load that takes that way must still pass, on a loaded 2-core machine.
 */
export const MODEL_LOAD_MS = 90_000;

/** How long a hook may take to start an engine and open the demo (which loads a model). */
export const OPEN_DEMO_MS = 60_000 + MODEL_LOAD_MS;

export async function demoReady(page: EnginePage): Promise<void> {
  // The page reloads the collection's model before it says it is ready.
  await waitInPage(page, () => document.body.dataset.ready === 'true', MODEL_LOAD_MS);
}

export async function loadTestModel(page: EnginePage): Promise<void> {
  await page.click('input[name="model"][value="test"]');
  await page.click('#load-model');
  await expect.poll(() => text(page, '#model-status'), { timeout: MODEL_LOAD_MS }).toMatch(/^Model ready/);
}

/** Drops `count` small PNGs of different colours, named `${prefix}${i}.png`. */
export async function dropGenerated(page: EnginePage, count: number, prefix = 'photo-'): Promise<void> {
  await page.evaluate(
    async ({ count, prefix }) => {
      const transfer = new DataTransfer();
      const canvas = new OffscreenCanvas(16, 12);
      const context = canvas.getContext('2d')!;
      for (let i = 0; i < count; i++) {
        context.fillStyle = `hsl(${(i * 137) % 360} 70% ${30 + (i % 40)}%)`;
        context.fillRect(0, 0, 16, 12);
        transfer.items.add(
          new File([await canvas.convertToBlob({ type: 'image/png' })], `${prefix}${i}.png`, { type: 'image/png' }),
        );
      }
      document
        .getElementById('drop-zone')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    },
    { count, prefix },
  );
}
