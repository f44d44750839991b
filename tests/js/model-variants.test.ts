// The three weight files a Hugging Face CLIP repository has (fp32, fp16, int8-quantised, made by
// models/model_variants.py as the Hugging Face conversion makes them): each loads by its dtype,
// runs on the WASM backend, and gives the fp32 model's embeddings within its precision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../dist/index.js';
import { ClipModel, DEFAULT_DTYPE, type ModelDtype } from '../../dist/advanced.js';
import { colourImage } from './colour-images.js';

const variants = new URL('../../build/models/clip-tiny-variants/', import.meta.url).pathname;
const images = [colourImage([200, 30, 40], 320, 240, 1), colourImage([20, 180, 60], 240, 300, 2)];
const texts = ['a photo of a cat', 'a red car at night'];

function cosines(a: Float32Array, b: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < a.length / dim; r++) {
    let dot = 0;
    for (let i = 0; i < dim; i++) dot += a[r * dim + i] * b[r * dim + i];
    out.push(dot); // both unit rows
  }
  return out;
}

describe('fp32, fp16 and int8-quantised files of one model', () => {
  const loaded = new Map<ModelDtype, ClipModel>();
  const embedded = new Map<ModelDtype, { images: Float32Array; texts: Float32Array }>();

  beforeAll(async () => {
    for (const dtype of ['fp32', 'fp16', 'quantized'] as const) {
      const model = await ClipModel.load(variants, { dtype, cache: false });
      loaded.set(dtype, model);
      embedded.set(dtype, {
        images: (await model.embedImages(images)).embeddings,
        texts: await model.embedTexts(texts),
      });
    }
  });
  afterAll(async () => {
    for (const model of loaded.values()) await model.delete();
  });

  it('loads each dtype’s own files', () => {
    expect(loaded.get('fp32')!.files).toEqual({ vision: 'onnx/vision_model.onnx', text: 'onnx/text_model.onnx' });
    expect(loaded.get('fp16')!.files).toEqual({
      vision: 'onnx/vision_model_fp16.onnx',
      text: 'onnx/text_model_fp16.onnx',
    });
    expect(loaded.get('quantized')!.files).toEqual({
      vision: 'onnx/vision_model_quantized.onnx',
      text: 'onnx/text_model_quantized.onnx',
    });
  });

  it('loads the quantized files on WASM by default, and refuses an unknown dtype', async () => {
    const byDefault = await ClipModel.load(variants, { cache: false, encoders: ['vision'] });
    expect(byDefault.backend.name).toBe('wasm');
    expect(byDefault.files.vision).toBe(`onnx/vision_model_${DEFAULT_DTYPE.wasm}.onnx`);
    await byDefault.delete();
    expect(DEFAULT_DTYPE).toEqual({ wasm: 'quantized', webgpu: 'fp32' });
    await expect(ClipModel.load(variants, { dtype: 'int4' as ModelDtype })).rejects.toThrow(
      new InvalidArgumentError(`dtype must be 'fp32', 'quantized' or 'fp16', got string "int4"`),
    );
  });

  it('gives the fp32 embeddings within each variant’s precision', () => {
    const fp32 = embedded.get('fp32')!;
    const dim = loaded.get('fp32')!.dim;
    // fp16 keeps about three decimal digits; 8-bit weights and activations about two.
    for (const [dtype, floor] of [
      ['fp16', 0.9999],
      ['quantized', 0.99],
    ] as const) {
      const other = embedded.get(dtype)!;
      for (const c of [...cosines(fp32.images, other.images, dim), ...cosines(fp32.texts, other.texts, dim)])
        expect(c, dtype).toBeGreaterThan(floor);
      // A different file, not the fp32 one again.
      expect(other.images.some((v, i) => v !== fp32.images[i])).toBe(true);
      expect(other.texts.some((v, i) => v !== fp32.texts[i])).toBe(true);
    }
  });
});
