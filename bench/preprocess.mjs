// Benchmark of image decoding and CLIP preprocessing: clipscope (WASM and native) against
// Transformers.js (Node) and Pillow, on the same photo-like images, timed apart, with each
// one's difference from Pillow's output (the reference the model was trained with).
//
// Usage: node bench/preprocess.mjs [--sizes 640x480,1920x1080,4000x3000] [--runs 9] [--out FILE]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { coreThreads, env, init } from '../dist/index.js';
import { ImagePreprocessor, decodeImage, nodeJpegDecoder, readImageHeader } from '../dist/advanced.js';
import { decodeWithSharp } from '../dist/images/node-decode.js';
import { core } from '../dist/wasm/core.js';
import { writeSection } from './lib/results.mjs';
import { median, min, ratio } from './lib/stats.mjs';
import { transformersDecode, transformersPreprocess, transformersProcessor } from './peers/transformers-js.mjs';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '640x480,1920x1080,4000x3000' },
    runs: { type: 'string', default: '9' },
    out: { type: 'string' },
  },
});
const sizes = args.sizes.split(',');
const runs = Number(args.runs);
const root = fileURLToPath(new URL('../', import.meta.url));
const dataDir = `${root}bench/data/preprocess/`;
const config = JSON.parse(readFileSync(`${root}tests/fixtures/clip-vit-base-patch32.preprocessor_config.json`, 'utf8'));
const log = (text) => process.stderr.write(`${text}\n`);

// The garbage of one contender (Transformers.js's float arrays, hundreds of MB at 4000x3000)
// is collected before the next one starts, not on the second core during its timed runs.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc');

// One untimed warm-up call (JIT tiers, first memory growth), then `runs` timed calls.
// Every contender is warmed up alike (at least 3 calls and 300 ms) so that the timed runs see
// the steady state: WebAssembly and JS functions are first run by baseline tiers.
async function timedAsync(fn) {
  const seconds = [];
  let result;
  collectGarbage();
  const warmUntil = performance.now() + 300;
  for (let i = 0; i < 3 || performance.now() < warmUntil; i++) result = await fn();
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    result = await fn();
    seconds.push((performance.now() - start) / 1000);
  }
  return { seconds, result };
}

// Mean and max difference of two CHW tensors in 8-bit levels: |a - b| * std * 255 per channel.
function diff(a, b) {
  const plane = b.length / 3;
  let sum = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]) * config.image_std[Math.floor(i / plane)] * 255;
    sum += d;
    worst = Math.max(worst, d);
  }
  return { mean: sum / b.length, max: worst };
}

await init();
// One libvips thread for clipscope's Node JPEG decoder (the package's own sharp, not the one
// Transformers.js brings in bench/), as every peer runs on one.
(await import(createRequire(`${root}package.json`).resolve('sharp'))).default.concurrency(1);
log('Pillow (writes the images)');
const pillow = JSON.parse(
  execFileSync('/usr/bin/python3', [`${root}bench/peers/pillow_preprocess.py`, dataDir, String(runs), ...sizes], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }),
);
const ours = new ImagePreprocessor(config);
// Transformers.js reads an integer `size: 224` as a 224 x 224 square (its output is then off
// by ~40 levels); it gets the equivalent modern form of the same config.
const theirs = transformersProcessor({
  ...config,
  size: { shortest_edge: config.size },
  crop_size: { height: config.crop_size, width: config.crop_size },
});
// The Node path as embedImages runs it, without inference: batches of 8 decoded concurrently
// (sharp works on libuv's threads), the next batch decoding while this one is preprocessed.
const PATH_IMAGES = 16;
async function nodePath(files) {
  let upcoming = Promise.all(files.slice(0, 8).map((f) => decodeImage(f)));
  for (let from = 0; from < files.length; from += 8) {
    const images = await upcoming;
    if (from + 8 < files.length) upcoming = Promise.all(files.slice(from + 8, from + 16).map((f) => decodeImage(f)));
    ours.preprocessBatch(images);
  }
}

const rows = [];
for (const size of sizes) {
  log(size);
  const [width, height] = size.split('x').map(Number);
  const base = `${dataDir}photo-${size}`;
  const png = readFileSync(`${base}.png`);
  const jpg = readFileSync(`${base}.jpg`);
  const rgb = new Uint8Array(readFileSync(`${base}.rgb`));
  const reference = new Float32Array(readFileSync(`${base}.pillow.f32`).buffer.slice(0));
  const image = { data: rgb, width, height, channels: 3 };

  const ourPng = await timedAsync(() => decodeImage(png));
  const ourJpg = await timedAsync(() => decodeImage(jpg));
  // As Pillow decodes: one image on one thread (env.threads 1 keeps a large one off a second).
  env.threads = 1;
  const ourJpgOneThread = await timedAsync(() => decodeImage(jpg));
  delete env.threads;
  const ourJpgSharp = await timedAsync(() => decodeWithSharp(jpg, 'JPEG', readImageHeader(jpg), 50_000_000));
  const theirPng = await timedAsync(() => transformersDecode(png, 'image/png'));
  const theirJpg = await timedAsync(() => transformersDecode(jpg, 'image/jpeg'));
  // One image on one thread, as the peers (the core would cut a large one into bands for its
  // helpers); the Node path below runs as embedImages does, on every thread.
  core().useThreads(1);
  const ourPre = await timedAsync(async () => ours.preprocess(image));
  core().useThreads(coreThreads().count);
  const ourPath = await timedAsync(() => nodePath(Array(PATH_IMAGES).fill(jpg)));
  const theirPre = await timedAsync(() => transformersPreprocess(theirs, new Uint8ClampedArray(rgb), width, height));
  const native = JSON.parse(
    execFileSync(
      `${root}build/native-release/bench/native/clipscope_preprocess_bench`,
      [String(width), String(height), String(runs), `${base}.rgb`],
      { encoding: 'utf8' },
    ),
  );
  rows.push({
    size,
    decode: {
      oursPng: ourPng.seconds,
      oursJpg: ourJpg.seconds,
      oursJpgOneThread: ourJpgOneThread.seconds,
      oursJpgSharp: ourJpgSharp.seconds,
      theirsPng: theirPng.seconds,
      theirsJpg: theirJpg.seconds,
      pillowPng: pillow[size].decodePng,
      pillowJpg: pillow[size].decodeJpeg,
    },
    preprocess: {
      ours: ourPre.seconds,
      native: native.seconds,
      theirs: theirPre.seconds,
      pillow: pillow[size].preprocess,
      // per image, over a batch
      path: ourPath.seconds.map((s) => s / PATH_IMAGES),
    },
    diff: { ours: diff(ourPre.result, reference), theirs: diff(theirPre.result, reference) },
  });
}
ours.delete();
const jpegDecoder = await nodeJpegDecoder();

const msOf = (s) => `${(min(s) * 1e3).toFixed(1)} / ${(median(s) * 1e3).toFixed(1)}`;
const lines = [
  '## Image preprocessing and decoding',
  '',
  `Command: \`npm run bench -- preprocess\` (\`node bench/preprocess.mjs --sizes ${args.sizes} --runs ${runs}\`).`,
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; Pillow ${pillow.version}; Transformers.js in Node (sharp). One thread each, but for clipscope's JPEG decoding (below). clipscope's JPEG decoder in Node: ${jpegDecoder.name} (${jpegDecoder.reason}).`,
  'Preprocess = resize (shortest edge 224, bicubic) + center crop 224 + rescale + normalise, from the same decoded RGB pixels; decode timed apart.',
  'Differences are of the float tensor against Pillow + numpy (the CLIPImageProcessor reference), in 8-bit levels (|Δ| × std × 255).',
  '',
  '### Preprocess, ms per image (min / median)',
  '',
  '| image | clipscope WASM | clipscope native | Pillow + numpy | Transformers.js | vs Pillow | vs Transformers.js |',
  '|---|---|---|---|---|---|---|',
];
for (const r of rows) {
  const p = r.preprocess;
  lines.push(
    `| ${r.size} | ${msOf(p.ours)} | ${msOf(p.native)} | ${msOf(p.pillow)} | ${msOf(p.theirs)} | ${ratio(p.pillow, p.ours)} | ${ratio(p.theirs, p.ours)} |`,
  );
}
lines.push(
  '',
  '### Difference from Pillow',
  '',
  '| image | clipscope mean | clipscope max | Transformers.js mean | Transformers.js max |',
  '|---|---|---|---|---|',
);
for (const r of rows) {
  lines.push(
    `| ${r.size} | ${r.diff.ours.mean.toFixed(3)} | ${r.diff.ours.max.toFixed(3)} | ${r.diff.theirs.mean.toFixed(2)} | ${r.diff.theirs.max.toFixed(1)} |`,
  );
}
lines.push(
  '',
  '### Decode, ms per image (min / median)',
  '',
  '| image | clipscope PNG | Pillow PNG | Transformers.js PNG | PNG vs Pillow | clipscope JPEG | Pillow JPEG | Transformers.js JPEG | JPEG vs Pillow | clipscope JPEG on one thread | one thread vs Pillow | clipscope JPEG through sharp | JPEG decode + preprocess vs Pillow |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
);
// Decode + preprocess: the sum of each run's two stages, run by run.
const plus = (a, b) => a.map((x, i) => x + b[i]);
for (const r of rows) {
  const d = r.decode;
  const p = r.preprocess;
  lines.push(
    `| ${r.size} | ${msOf(d.oursPng)} | ${msOf(d.pillowPng)} | ${msOf(d.theirsPng)} | ${ratio(d.pillowPng, d.oursPng)} | ${msOf(d.oursJpg)} | ${msOf(d.pillowJpg)} | ${msOf(d.theirsJpg)} | ${ratio(d.pillowJpg, d.oursJpg)} | ${msOf(d.oursJpgOneThread)} | ${ratio(d.pillowJpg, d.oursJpgOneThread)} | ${msOf(d.oursJpgSharp)} | ${ratio(plus(d.pillowJpg, p.pillow), plus(d.oursJpg, p.ours))} |`,
  );
}
lines.push(
  '',
  `### JPEG decode + preprocess over a batch of ${PATH_IMAGES}, ms per image (min / median)`,
  '',
  "clipscope as `embedImages` runs it in Node (a batch decoded concurrently on libuv's threads while the previous batch is preprocessed on the core's threads: both cores here); Pillow one image after another, as a Python pipeline does.",
  '',
  '| image | clipscope | Pillow | vs Pillow |',
  '|---|---|---|---|',
);
for (const r of rows) {
  const pillowPath = plus(r.decode.pillowJpg, r.preprocess.pillow);
  lines.push(
    `| ${r.size} | ${msOf(r.preprocess.path)} | ${msOf(pillowPath)} | ${ratio(pillowPath, r.preprocess.path)} |`,
  );
}
lines.push(
  '',
  "In browsers clipscope decodes JPEG with the browser's own decoder (createImageBitmap). In Node it uses the package's addon over the system libjpeg-turbo, the library Pillow calls here, with Pillow's settings (so Pillow's exact pixels), on a libuv thread; an image of 250,000 pixels or more decoded while no other is (as here) is cut into two bands of rows, the lower one decoded at the same time by a helper thread, which entropy-decodes the rows above it to reach its own (column 'on one thread': with env.threads 1, as Pillow decodes). Into memory of its own on 2 MB pages asked to be huge pages (a new image's pages are otherwise faulted in 4 KB at a time, which costs Pillow at 4000x3000). Where the addon does not load it uses sharp (column 'through sharp', limited here to one libvips thread like the others: mozjpeg's decoder, the same pixels). PNG is clipscope's own decoder (the addon's zlib reading the IDAT chunks where they are, into memory of its own; CRC by zlib.crc32; filters undone in place).",
  '',
);
const markdown = lines.join('\n');
if (args.out) writeSection(args.out, 'preprocess', markdown);
process.stdout.write(markdown);
