// Shared by the demo's end-to-end tests: the built demo served by Vite's preview server, a page
// with the bundled test model loaded, and photos generated in the page and dropped on it.
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';

const config = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

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

/** A fresh context (its own IndexedDB) with the demo open, the hub unreachable, and page errors collected. */
export async function openDemo(
  browser: Browser,
  url: string,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return { context, page, errors };
}

export async function loadTestModel(page: Page): Promise<void> {
  await page.check('input[name="model"][value="test"]');
  await page.click('#load-model');
  await expect.poll(() => page.textContent('#model-status'), { timeout: 30_000 }).toMatch(/^Model ready/);
}

/** Drops `count` small PNGs of different colours, named `${prefix}${i}.png`. */
export async function dropGenerated(page: Page, count: number, prefix = 'photo-'): Promise<void> {
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
