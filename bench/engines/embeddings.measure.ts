// Embeddings across engines with the ViT-B/32-shaped model: the PNG and JPEG fixtures of
// tests/reference/make_format_fixtures.py embedded on the page in Chromium, Firefox and WebKit
// (each engine's own decoder) and in Node from Pillow's pixels, fp32, WASM, one thread. Writes the
// cosines and largest differences to bench/RESULTS.md. Not a speed benchmark: a measurement.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { writeSection } from '../lib/results.mjs';
import { serveRepository } from '../../scripts/static-server.mjs';
import { ENGINES, launchEngine } from '../../tests/e2e/engines/index.js';
import { openApp } from '../../tests/e2e/app-page.js';
import { EMBEDDED_FIXTURES, cosine, embedInPage, embedPillowPixelsInNode } from '../../tests/e2e/engine-embeddings.js';

const MODEL = 'bench/data/models/clip-vit-b32-random/';
const root = fileURLToPath(new URL('../../', import.meta.url));

it('measures embeddings of the same files across engines', async () => {
  if (!existsSync(`${root}${MODEL}onnx/vision_model.onnx`))
    throw new Error(`${MODEL} is missing: python3 models/generate_test_models.py bench/data/models --vit-b32`);
  const reference = await embedPillowPixelsInNode(`${root}${MODEL}`, 'fp32');
  const server = await serveRepository();
  const rows: string[] = [];
  const versions: string[] = [];
  try {
    for (const engine of ENGINES) {
      const browser = await launchEngine(engine);
      versions.push(`${engine} ${browser.version}`);
      try {
        const page = await openApp(browser, server.url);
        const embeddings = await embedInPage(page, `/${MODEL}`, 'fp32');
        EMBEDDED_FIXTURES.forEach((file, i) => {
          let worst = 0;
          for (let j = 0; j < embeddings[i].length; j++)
            worst = Math.max(worst, Math.abs(embeddings[i][j] - reference[i][j]));
          rows.push(`| ${engine} | ${file} | ${cosine(embeddings[i], reference[i]).toFixed(9)} | ${worst} |`);
        });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
  }
  const markdown = `## Embeddings across browser engines (ViT-B/32 shapes, fp32, WASM, 1 thread)

\`npm run bench -- engines\` (${new Date().toISOString().slice(0, 10)}; ${versions.join(', ')}). Each
engine decodes the files itself and embeds them on the page; the reference is Node embedding
Pillow's pixels of the same files with the same model. 320×240 photo-like JPEGs (quality 90) and a
lossless PNG, from \`tests/reference/make_format_fixtures.py\`.

| engine | file | cosine with Node + Pillow | largest difference |
|---|---|---|---|
${rows.join('\n')}
`;
  writeSection(`${root}bench/RESULTS.md`, 'engines', markdown);
  process.stderr.write(`${markdown}\n`);
  expect(rows).toHaveLength(ENGINES.length * EMBEDDED_FIXTURES.length);
});
