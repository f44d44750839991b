// Benchmark of the model's weight variants in headless Chromium: the ViT-B/32-shaped vision
// encoder as fp32, fp16 and int8-quantised files (models/model_variants.py, as the Hugging Face
// conversion makes them), each on onnxruntime-web's WASM backend with 1 and 2 threads (the page
// cross-origin isolated) and on WebGPU (Chromium's software adapter, SwiftShader, here). The
// same JPEGs through clipscope's whole pipeline; images/s, min / median of the runs, each run a
// fresh page. Picks each backend's fastest variant: what `dtype` should default to.
//
// Usage: node bench/model-variants.mjs [--images 8] [--webgpu-images 2] [--runs 3] [--batch 8] [--out FILE]
// (the software adapter takes tens of seconds per image: it gets fewer; 0 leaves WebGPU out)
import os from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serveRepository } from '../scripts/static-server.mjs';
import { CHROMIUM_FLAGS, chromiumPath } from '../scripts/chromium-flags.mjs';
import { measureInPage, modelLocation, pageBenchOptions, preparePage } from './lib/bench-page.mjs';
import { writeSection } from './lib/results.mjs';
import { median } from './lib/stats.mjs';

const { values: args } = parseArgs({
  options: { ...pageBenchOptions(8), 'webgpu-images': { type: 'string', default: '2' } },
});
const location = modelLocation(args);
const modelName = location.modelName;
const [width, height] = args.size.split('x').map(Number);
const imagesFor = (setup) => Number(setup.backend === 'webgpu' ? args['webgpu-images'] : args.images);
const runs = Number(args.runs);
const log = (text) => process.stderr.write(`${text}\n`);

preparePage(location, 'onnx/vision_model_fp16.onnx');

const DTYPES = ['fp32', 'fp16', 'quantized'];
const BACKENDS = [
  { label: 'WASM, 1 thread', backend: 'wasm', threads: 1 },
  { label: 'WASM, 2 threads', backend: 'wasm', threads: 2 },
  { label: 'WebGPU (SwiftShader)', backend: 'webgpu', threads: 1 },
].filter((setup) => imagesFor(setup) > 0);
// WebGPU needs the software adapter switched on; threads need a cross-origin isolated page.
const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

const server = await serveRepository({ crossOriginIsolated: true });
const browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_FLAGS, ...WEBGPU_FLAGS] });

async function measure(setup, dtype) {
  const params = {
    lib: 'clipscope',
    batch: args.batch,
    dtype,
    backend: setup.backend,
    threads: String(setup.threads),
  };
  try {
    return await measureInPage(browser, server.url, location, params, { count: imagesFor(setup), width, height });
  } catch (error) {
    return { error: String(error?.message ?? error).split('\n')[0] };
  }
}

// Setups alternate run by run, each in a fresh page, so machine noise hits all alike.
const samples = new Map();
for (let r = 0; r < runs; r++) {
  for (const setup of BACKENDS) {
    for (const dtype of DTYPES) {
      log(`run ${r + 1}/${runs}: ${setup.label}, ${dtype}`);
      const key = `${setup.label}|${dtype}`;
      if (!samples.has(key)) samples.set(key, []);
      samples.get(key).push(await measure(setup, dtype));
    }
  }
}
await browser.close();
await server.close();

const fmt = (v) => v.toFixed(2);
const rows = [];
const best = [];
for (const setup of BACKENDS) {
  let fastest;
  for (const dtype of DTYPES) {
    const list = samples.get(`${setup.label}|${dtype}`);
    const failed = list.find((s) => s.error);
    if (failed) {
      rows.push(`| ${setup.label} | ${dtype} | – | – | – | did not run: ${failed.error.replaceAll('|', '/')} |`);
      continue;
    }
    const count = imagesFor(setup);
    const rate = list.map((s) => count / s.seconds);
    const inference = median(list.map((s) => s.timings.inference)) / count;
    const { name, threads, reason } = list[0].backend;
    if (name !== setup.backend) {
      // Not this backend's figure: the engine fell back (e.g. no shader-f16 on the adapter).
      rows.push(`| ${setup.label} | ${dtype} | – | – | ${list[0].file} | fell back to ${name}: ${reason} |`);
      continue;
    }
    rows.push(
      `| ${setup.label} | ${dtype} | ${fmt(Math.max(...rate))} / ${fmt(median(rate))} | ${inference.toFixed(0)} | ${list[0].file} | ran on ${name}${name === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''} |`,
    );
    if (!fastest || median(rate) > fastest.rate) fastest = { dtype, rate: median(rate) };
  }
  if (fastest) best.push(`| ${setup.label} | ${fastest.dtype} | ${fmt(fastest.rate)} |`);
}

const markdown = `## Model variants (ViT-B/32 shapes): fp32, fp16 and int8 on each backend

\`npm run bench -- variants\` (\`node bench/model-variants.mjs --images ${args.images} --webgpu-images ${args['webgpu-images']} --size ${args.size} --runs ${runs} --batch ${args.batch}\`)
on ${os.cpus()[0].model.trim()}, ${os.cpus().length} cores, Chromium (Debian), headless, the page cross-origin
isolated. ${args.images} JPEG photos of ${args.size} (${args['webgpu-images']} on WebGPU, whose software adapter takes
tens of seconds per image), batches of ${args.batch}, through clipscope's whole pipeline
(decode, preprocess, inference); the vision encoder of \`${modelName}\` with random weights as
\`vision_model.onnx\` (fp32), \`_fp16.onnx\` and \`_quantized.onnx\` (int8 weights, MatMulInteger),
made by \`models/model_variants.py\` as the Hugging Face conversion makes them. WebGPU is
Chromium's software adapter (SwiftShader) here: a real GPU is many times faster, and the
ranking of the variants there may differ. Min / median of ${runs} runs, each in a fresh page.

| backend | dtype | images/s (max / median) | inference ms per image (median) | file | |
|---|---|---|---|---|---|
${rows.join('\n')}

| backend | fastest variant here | images/s (median) |
|---|---|---|
${best.join('\n')}
`;
console.log(markdown);
if (args.out) writeSection(args.out, 'model-variants', markdown);
