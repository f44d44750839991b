// Embeddings equal across engines: PNG and JPEG files (4:2:0, 4:2:2, 4:4:4, progressive,
// grayscale) and a rotated HEIC embedded on the page in each engine (and the HEIC in the
// Worker) are bit-identical to Node's embeddings of Pillow's (heif-convert's) pixels of them.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine, type EngineBrowser } from './engines/index.js';
import { openApp, requireApp } from './app-page.js';
import { EMBEDDED_FIXTURES, embedInPage, embedPillowPixelsInNode } from './engine-embeddings.js';

const MODEL = 'build/models/clip-tiny/';
let server: Awaited<ReturnType<typeof serveRepository>>;
let inNode: Float32Array[];

beforeAll(async () => {
  requireApp();
  server = await serveRepository();
  inNode = await embedPillowPixelsInNode(fileURLToPath(new URL(`../../${MODEL}`, import.meta.url)), 'fp32');
});
afterAll(() => server?.close());

describe.each(ENGINES)('%s', (engine) => {
  let browser: EngineBrowser;
  beforeAll(async () => {
    browser = await launchEngine(engine);
  });
  afterAll(() => browser?.close());

  it("embeds PNG, JPEG and HEIC files exactly as Node embeds Pillow's pixels of them", async () => {
    const page = await openApp(browser, server.url);
    const inBrowser = await embedInPage(page, `/${MODEL}`, 'fp32');
    await page.close();
    // One per file on the page, then the HEIC file embedded in clipscope's Worker.
    expect(inBrowser).toHaveLength(EMBEDDED_FIXTURES.length + 1);
    for (let i = 0; i < EMBEDDED_FIXTURES.length; i++)
      expect(inBrowser[i], EMBEDDED_FIXTURES[i]).toEqual(Array.from(inNode[i]));
    expect(inBrowser[EMBEDDED_FIXTURES.length], 'HEIC in the Worker').toEqual(
      Array.from(inNode[EMBEDDED_FIXTURES.indexOf('heic-444-rotated.heic')]),
    );
  });
});
