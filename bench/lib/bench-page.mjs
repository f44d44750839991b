// What the benchmarks driving the benchmark page (bench/app: clip-pipeline, model-variants)
// share: their options, where the model folder is (the ViT-B/32-shaped one generated on
// demand), the page's build, and one measurement in a fresh page.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const VIT_B32 = 'clip-vit-b32-random';
const log = (text) => process.stderr.write(`${text}\n`);

/** parseArgs options of a page benchmark; `images` is its default image count. */
export function pageBenchOptions(images) {
  return {
    images: { type: 'string', default: String(images) },
    size: { type: 'string', default: '640x480' },
    runs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '8' },
    // Another model folder (the smoke run uses a tiny test model).
    'models-dir': { type: 'string' },
    model: { type: 'string', default: VIT_B32 },
    out: { type: 'string' },
  };
}

/** The model folder of the parsed options: its directory, name and URL path under the repository. */
export function modelLocation(args) {
  const modelDir = args['models-dir'] ? `${args['models-dir'].replace(/\/?$/, '/')}` : `${root}bench/data/models/`;
  const modelUrlPath = modelDir.startsWith(root) ? modelDir.slice(root.length) : modelDir;
  return { modelDir, modelName: args.model, modelUrlPath };
}

/**
 * Generates the ViT-B/32-shaped model (with its fp16 and int8 files) when `needed` (a file of
 * it) is missing, then builds the benchmark page.
 */
export function preparePage({ modelDir, modelName }, needed) {
  if (!existsSync(`${modelDir}${modelName}/${needed}`) && modelName === VIT_B32) {
    log('generating the ViT-B/32-shaped model and its variants (random weights, ~620 MB)');
    execFileSync('/usr/bin/python3', [`${root}models/generate_test_models.py`, modelDir, '--vit-b32'], {
      stdio: 'inherit',
    });
  }
  log('building the benchmark page');
  execFileSync('npx', ['vite', 'build', '--config', 'bench/app/vite.config.mjs'], { cwd: root, stdio: 'inherit' });
}

/**
 * One run in a fresh page: the page loaded with `params` (lib, dtype, backend, ...) and the
 * model's location, then `window.bench(options)`. Any request leaving localhost fails it.
 */
export async function measureInPage(browser, serverUrl, location, params, options) {
  const page = await browser.newPage();
  const outside = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(serverUrl)) outside.push(request.url());
  });
  const query = new URLSearchParams({
    models: `${serverUrl}/${location.modelUrlPath}`,
    model: location.modelName,
    ...params,
  });
  try {
    await page.goto(`${serverUrl}/bench/data/app/index.html?${query}`);
    await page.getByText('ready').waitFor();
    const [result] = await page.evaluate((o) => window.bench(o), { ...options, runs: 1 });
    if (outside.length) throw new Error(`${params.lib} made requests outside localhost: ${outside.join(', ')}`);
    return result;
  } finally {
    await page.close();
  }
}
