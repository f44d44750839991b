// The CLIP pipeline in Node on the generated test models (models/generate_test_models.py):
// parity with a direct onnxruntime run, the meaningful model's rankings, per-item failures,
// progress and cancellation, and clear errors for bad model files.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clipscope, DecodeError, ModelInterfaceError, ModelLoadError } from '../../dist/index.js';
import { ClipModel, ImagePreprocessor, type RawImage } from '../../dist/advanced.js';
import { core, wasmMemoryBytes } from '../../dist/wasm/core.js';
import { colourImage, COLOUR_GROUPS } from './colour-images.js';

const models = new URL('../../build/models/', import.meta.url).pathname;
const tiny = join(models, 'clip-tiny');
const colours = join(models, 'clip-colors');

function unit(row: ArrayLike<number>): Float64Array {
  let norm = 0;
  for (let i = 0; i < row.length; i++) norm += row[i] * row[i];
  return Float64Array.from(row, (v) => v / Math.sqrt(norm));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ClipModel on the tiny model with the real interface', () => {
  let model: ClipModel;
  beforeAll(async () => {
    model = await ClipModel.load(tiny);
  });
  afterAll(() => model.delete());

  it('loads the quantized files by default and reports the WASM backend and why', () => {
    expect(model.files).toEqual({ vision: 'onnx/vision_model_quantized.onnx', text: 'onnx/text_model_quantized.onnx' });
    // The embedding size comes from the encoders' output shapes, before anything runs.
    expect(model.dim).toBe(512);
    expect(model.backend).toEqual({
      name: 'wasm',
      reason: 'navigator.gpu is not available here (no WebGPU in this browser or context)',
      threads: 1,
      threadsReason: 'outside a browser onnxruntime-web runs its WASM backend on one thread',
    });
  });

  it('gives the image embeddings of a direct onnxruntime run on the same pixel tensor, normalised', async () => {
    const images: RawImage[] = [colourImage([200, 30, 40], 320, 240, 1), colourImage([20, 180, 60], 240, 300, 2)];
    const ours = await model.embedImages(images);
    expect(ours.indices).toEqual([0, 1]);
    expect(ours.dim).toBe(512);

    const preprocessor = await ImagePreprocessor.create(
      JSON.parse(readFileSync(join(tiny, 'preprocessor_config.json'), 'utf8')),
    );
    const pixels = preprocessor.preprocessBatch(images);
    preprocessor.delete();
    const session = await ort.InferenceSession.create(readFileSync(join(tiny, 'onnx/vision_model_quantized.onnx')));
    const direct = (await session.run({ pixel_values: new ort.Tensor('float32', pixels.data, pixels.dims) }))
      .image_embeds.data as Float32Array;
    for (let r = 0; r < 2; r++) {
      expect(
        maxDifference(ours.embeddings.subarray(r * 512, (r + 1) * 512), unit(direct.subarray(r * 512, (r + 1) * 512))),
      ).toBeLessThan(1e-6);
    }
    await session.release();
  });

  it('gives the text embeddings of a direct onnxruntime run on the tokenizer ids, with the attention mask', async () => {
    const texts = ['a photo of a cat', 'two red apples and a banana on a wooden table'];
    const ours = await model.embedTexts(texts);
    const session = await ort.InferenceSession.create(readFileSync(join(tiny, 'onnx/text_model_quantized.onnx')));
    // The ids of the original tokenizer (tests/fixtures/clip-tokenizer-cases.json), padded with the end token.
    const rows = [
      [49406, 320, 1125, 539, 320, 2368, 49407],
      [49406, 1237, 736, 14032, 537, 320, 8922, 525, 320, 9057, 2175, 49407],
    ];
    const ids = new BigInt64Array(2 * 77).fill(49407n);
    const mask = new BigInt64Array(2 * 77);
    rows.forEach((row, r) => row.forEach((id, i) => ((ids[r * 77 + i] = BigInt(id)), (mask[r * 77 + i] = 1n))));
    const direct = (
      await session.run({
        input_ids: new ort.Tensor('int64', ids, [2, 77]),
        attention_mask: new ort.Tensor('int64', mask, [2, 77]),
      })
    ).text_embeds.data as Float32Array;
    for (let r = 0; r < 2; r++) {
      expect(
        maxDifference(ours.subarray(r * 512, (r + 1) * 512), unit(direct.subarray(r * 512, (r + 1) * 512))),
      ).toBeLessThan(1e-6);
    }
    await session.release();
  });

  it('reports corrupt, empty and oversized images and embeds the rest of the batch', async () => {
    const good = colourImage([10, 20, 200], 64, 64, 3);
    const bomb = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 1, 0, 0, 0, 1, 0, 0, 8, 2,
      0, 0, 0, 0, 0, 0, 0,
    ]);
    const result = await model.embedImages([good, new Uint8Array([1, 2, 3, 4, 5]), new Uint8Array(0), bomb, good], {
      batchSize: 2,
    });
    expect(result.indices).toEqual([0, 4]);
    expect(result.failures.map((f) => [f.index, f.error.constructor])).toEqual([
      [1, DecodeError],
      [2, DecodeError],
      [3, DecodeError],
    ]);
    expect(result.failures[2].error.message).toBe(
      'image of 65536 x 65536 pixels is above the limit of 50000000 pixels',
    );
    expect(maxDifference(result.embeddings.subarray(0, 512), result.embeddings.subarray(512))).toBe(0);
  });

  it('reports progress after each batch and cancels cleanly with an AbortSignal', async () => {
    const images = Array.from({ length: 6 }, (_, i) => colourImage([i * 40, 100, 50], 48, 48, i));
    const seen: number[] = [];
    await model.embedImages(images, { batchSize: 2, onProgress: (p) => seen.push(p.done, p.total) });
    expect(seen).toEqual([2, 6, 4, 6, 6, 6]);

    const controller = new AbortController();
    const run = model.embedImages(images, {
      batchSize: 2,
      signal: controller.signal,
      onProgress: (p) => p.done === 2 && controller.abort(new DOMException('stopped by the test', 'AbortError')),
    });
    await expect(run).rejects.toThrow('stopped by the test');
  });

  it('keeps the WASM heap and Embind handles flat over many runs', async () => {
    const images = Array.from({ length: 5 }, (_, i) => colourImage([i * 50, 80, 120], 300, 200, i));
    const cycle = async () => {
      await model.embedImages([...images, new Uint8Array([9, 9, 9])], { batchSize: 3 });
      await model.embedTexts(['a photo of a cat', 'x'.repeat(500)]);
      await model.classify(images[0], ['red', 'green']);
    };
    await cycle();
    const handles = core().count_emval_handles();
    const heap = wasmMemoryBytes();
    for (let i = 0; i < 30; i++) await cycle();
    expect(core().count_emval_handles()).toBe(handles);
    expect(wasmMemoryBytes()).toBe(heap);
  });
});

describe('Clipscope on the meaningful colour model', () => {
  let engine: Clipscope;
  const items = COLOUR_GROUPS.flatMap((group) =>
    [0, 1, 2].map((k) => ({ id: `${group.name}-${k}`, image: colourImage(group.rgb, 96 + k * 16, 80, 10 + k) })),
  );

  beforeAll(async () => {
    engine = await Clipscope.create({ model: colours });
    const added = await engine.addImages(items, { batchSize: 4 });
    expect(added.failures).toEqual([]);
  });
  afterAll(() => engine.delete());

  it('loads vocab.json + merges.txt and the fp32 files when no quantized ones exist', () => {
    expect(engine.model.files).toEqual({ vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' });
    expect(engine.index.size).toBe(items.length);
  });

  it('finds the other red images first for a red image', async () => {
    const hits = await engine.searchByImage('red-0', 2);
    expect(hits.ids.sort()).toEqual(['red-1', 'red-2']);
  });

  it('ranks the images of each colour first for the colour word, whatever the sentence', async () => {
    for (const group of COLOUR_GROUPS.filter((g) => g.word)) {
      const hits = await engine.searchByText(`a photo of something ${group.word}`, 3);
      expect(
        hits.ids.map((id) => String(id).split('-')[0]),
        group.word,
      ).toEqual([group.name, group.name, group.name]);
    }
  });

  it('ranks dark images first for "dark"', async () => {
    const hits = await engine.searchByText('a dark picture', 3);
    expect(hits.ids.map((id) => String(id).split('-')[0])).toEqual(['dark', 'dark', 'dark']);
  });

  it('classifies a new red image as red with the logit scale softmax', async () => {
    const scores = await engine.classify(colourImage([230, 25, 30], 50, 70, 99), ['red', 'green', 'blue']);
    expect(scores[0].label).toBe('red');
    expect(scores[0].probability).toBeGreaterThan(0.99);
    expect(scores.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 6);
  });

  it('clusters the images into their colour groups, with k given or found by silhouette', () => {
    const groupsOf = (result: ReturnType<Clipscope['cluster']>) =>
      result.clusters.map((c) => [...new Set(c.members.map((id) => String(id).split('-')[0]))]);
    const fixed = engine.cluster({ k: COLOUR_GROUPS.length, seed: 1 });
    expect(groupsOf(fixed).every((colours) => colours.length === 1)).toBe(true);
    expect(new Set(groupsOf(fixed).flat()).size).toBe(COLOUR_GROUPS.length);
    const auto = engine.cluster({ k: 'auto', kMax: 8 });
    expect(auto.k).toBe(COLOUR_GROUPS.length);
    expect(auto.silhouette!.ks).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(engine.map().coords.length).toBe(2 * items.length);
  });

  it('saves the embeddings and loads them into a new engine with identical search results', async () => {
    const other = await Clipscope.create({ model: colours });
    await other.load(engine.save());
    for (const text of ['red', 'a dark picture', 'yellow and green']) {
      const a = await engine.searchByText(text, 5);
      const b = await other.searchByText(text, 5);
      expect(b.ids).toEqual(a.ids);
      expect(Array.from(b.scores)).toEqual(Array.from(a.scores));
    }
    await expect(other.load(new Uint8Array([1, 2, 3]))).rejects.toThrow(/CLIPSIDX|corrupt|truncated/i);
    expect(other.index.size).toBe(engine.index.size);
    await other.delete();
  });

  it('keeps the images stored before a cancel and reports duplicate ids per item', async () => {
    const before = engine.index.size;
    const again = await engine.addImages([items[0], { id: 'new-red', image: colourImage([240, 10, 10], 40, 40, 5) }]);
    expect(again.added).toEqual(['new-red']);
    expect(again.failures.map((f) => [f.id, f.error.code])).toEqual([['red-0', 'DuplicateId']]);
    const controller = new AbortController();
    const more = Array.from({ length: 8 }, (_, i) => ({
      id: `extra-${i}`,
      image: colourImage([0, 0, 200], 40, 40, i),
    }));
    const run = engine.addImages(more, {
      batchSize: 2,
      signal: controller.signal,
      onProgress: (p) => p.done === 4 && controller.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(engine.index.size).toBe(before + 1 + 4);
  });
});

describe('model files that are wrong', () => {
  const dir = mkdtempSync(join(tmpdir(), 'clipscope-models-'));

  function variant(name: string, change: (folder: string) => void): string {
    const folder = join(dir, name);
    cpSync(tiny, folder, { recursive: true });
    change(folder);
    return folder;
  }

  it('names the expected inputs and outputs for a model of another interface', async () => {
    await expect(ClipModel.load(join(models, 'wrong-interface'), { dtype: 'fp32' })).rejects.toThrow(
      new ModelInterfaceError(
        'onnx/vision_model.onnx has inputs [images] and outputs [features]; a CLIP vision model needs input pixel_values and output image_embeds',
      ),
    );
  });

  it('refuses numbers in config.json that are out of range, naming the field', async () => {
    const edit = (change: (config: Record<string, any>) => void) => (f: string) => {
      const config = JSON.parse(readFileSync(join(f, 'config.json'), 'utf8'));
      change(config);
      writeFileSync(join(f, 'config.json'), JSON.stringify(config));
    };
    await expect(
      ClipModel.load(
        variant(
          'huge-projection',
          edit((c) => (c.projection_dim = 2 ** 32)),
        ),
      ),
    ).rejects.toThrow(
      new ModelLoadError('config.json: projection_dim must be an integer from 1 to 65536, got 4294967296'),
    );
    await expect(
      ClipModel.load(
        variant(
          'huge-context',
          edit((c) => (c.text_config.max_position_embeddings = 2 ** 31 + 77)),
        ),
      ),
    ).rejects.toThrow(
      new ModelLoadError(
        'config.json: text_config.max_position_embeddings must be an integer from 2 to 4096, got 2147483725',
      ),
    );
  });

  it('says a truncated file could not be loaded, with its name and size', async () => {
    const folder = variant('truncated', (f) => {
      const file = join(f, 'onnx/vision_model_quantized.onnx');
      writeFileSync(file, readFileSync(file).subarray(0, 100_000));
    });
    await expect(ClipModel.load(folder)).rejects.toThrow(
      /^onnx\/vision_model_quantized\.onnx \(100000 bytes\) could not be loaded by onnxruntime-web \(wasm\); it may be truncated or corrupt/,
    );
  });

  it('says an HTML page is not an ONNX model', async () => {
    const folder = variant('html', (f) =>
      writeFileSync(join(f, 'onnx/text_model_quantized.onnx'), '<!doctype html><title>Sign in</title>'),
    );
    await expect(ClipModel.load(folder)).rejects.toThrow(
      new ModelLoadError(
        'onnx/text_model_quantized.onnx is an HTML/XML page, not an ONNX model (a wrong URL, or an error or login page)',
      ),
    );
  });

  it('names the files it looked for in a folder without the model', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    copyFileSync(join(tiny, 'preprocessor_config.json'), join(empty, 'preprocessor_config.json'));
    await expect(ClipModel.load(empty, { encoders: ['vision'] })).rejects.toThrow(
      `${empty}/ has no onnx/vision_model_quantized.onnx or onnx/vision_model.onnx or onnx/vision_model_fp16.onnx (HTTP 404 or file not present)`,
    );
  });

  it('refuses a file whose size or SHA-256 differs from the manifest', async () => {
    await expect(
      ClipModel.load(tiny, { manifest: { 'onnx/vision_model_quantized.onnx': { size: 5 } } }),
    ).rejects.toThrow(/^onnx\/vision_model_quantized\.onnx has \d+ bytes, the manifest says 5$/);
    await expect(ClipModel.load(tiny, { manifest: { 'config.json': { sha256: '00'.repeat(32) } } })).rejects.toThrow(
      /^config\.json has SHA-256 [0-9a-f]{64}, the manifest says 0{64}$/,
    );
  });

  it('loads from picked files given as path -> bytes', async () => {
    const picked: Record<string, Uint8Array> = {};
    for (const file of [
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'onnx/vision_model.onnx',
      'onnx/text_model.onnx',
    ]) {
      picked[`my-model/${file}`] = readFileSync(join(tiny, file));
    }
    const model = await ClipModel.load(picked, { dtype: 'fp32' });
    expect(model.files).toEqual({ vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' });
    expect((await model.embedText('hello')).length).toBe(512);
    await model.delete();
  });
});

describe('tokenizer files', () => {
  it('refuses a tokenizer.json whose vocabulary does not number tokens as CLIP does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clipscope-vocab-'));
    cpSync(tiny, dir, { recursive: true });
    const file = join(dir, 'tokenizer.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const [first, second] = Object.keys(json.model.vocab);
    const [a, b] = [json.model.vocab[first], json.model.vocab[second]];
    [json.model.vocab[first], json.model.vocab[second]] = [b, a];
    writeFileSync(file, JSON.stringify(json));
    await expect(ClipModel.load(dir, { encoders: ['text'] })).rejects.toThrow(
      `tokenizer.json numbers "${first}" ${b}, CLIP's layout gives ${a}: not a CLIP BPE vocabulary`,
    );
  });
});
