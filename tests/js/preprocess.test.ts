// Preprocessing in WASM: bit-exact with Pillow + numpy (tests/reference/make_preprocess_refs.py),
// configs read from preprocessor_config.json, batches, bad input, memory, and decoding in Node.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecodeError, init } from '../../dist/index.js';
import {
  ImagePreprocessor,
  decodeImage,
  decodeImages,
  parsePreprocessorConfig,
  readImageHeader,
  type RawImage,
} from '../../dist/advanced.js';
import { core, wasmMemoryBytes } from '../../dist/wasm/core.js';
import { readNamedArrays, referenceDir, type NamedArrays } from './named-arrays.js';

await init();

const dir = new URL('preprocess/', referenceDir);
const cases = readdirSync(dir).filter((f) => f.includes('--') && f.endsWith('.arrays'));

// The case's settings written as a Hugging Face preprocessor_config.json.
function configJson(ref: NamedArrays): Record<string, unknown> {
  const [h, w] = ref.resize_hw.values;
  const [ch, cw] = ref.crop_hw.values;
  return {
    do_resize: true,
    size: ref.shortest_edge.values[0] ? { shortest_edge: ref.shortest_edge.values[0] } : { height: h, width: w },
    resample: ref.resample.values[0],
    ...(ch ? { do_center_crop: true, crop_size: { height: ch, width: cw } } : {}),
    do_rescale: true,
    rescale_factor: ref.rescale.values[0],
    do_normalize: true,
    image_mean: Array.from(ref.mean.values),
    image_std: Array.from(ref.std.values),
  };
}

function imageOf(ref: NamedArrays): RawImage {
  const [height, width, channels] = ref.input.shape;
  return { data: ref.input.values as Uint8Array, width, height, channels: channels as 1 | 3 | 4 };
}

describe('preprocessing parity with Pillow + numpy', () => {
  it('has the reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(24));

  it.each(cases)('%s: float tensor equals the reference', (name) => {
    const ref = readNamedArrays(`preprocess/${name}`);
    const preprocessor = new ImagePreprocessor(configJson(ref));
    const tensor = preprocessor.preprocess(imageOf(ref));
    const want = ref.tensor.values;
    expect(tensor.length).toBe(want.length);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(tensor[i] - want[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    preprocessor.delete();
  });
});

describe('preprocessor_config.json', () => {
  it('reads the CLIP and SigLIP forms with transformers defaults', () => {
    const clip = parsePreprocessorConfig(
      readFileSync(new URL('../fixtures/clip-vit-base-patch32.preprocessor_config.json', import.meta.url), 'utf8'),
    );
    expect(clip).toMatchObject({ shortestEdge: 224, resample: 3, doCenterCrop: true, cropHeight: 224, cropWidth: 224 });
    expect(clip.imageMean).toEqual([0.48145466, 0.4578275, 0.40821073]);
    const siglip = parsePreprocessorConfig({
      size: { height: 384, width: 384 },
      resample: 2,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    });
    expect(siglip).toMatchObject({ shortestEdge: 0, resizeHeight: 384, resizeWidth: 384, doCenterCrop: false });
    const old = parsePreprocessorConfig({ size: 224, crop_size: 224 });
    expect(old).toMatchObject({ shortestEdge: 224, cropHeight: 224, cropWidth: 224, doCenterCrop: true });
    expect(() => new ImagePreprocessor({ resample: 0 })).toThrow('preprocessor config: resample 0 is not supported');
    expect(() => parsePreprocessorConfig({ image_mean: [1, 2] })).toThrow(
      'preprocessor config: image_mean must be 3 numbers',
    );
  });
});

describe('batches', () => {
  const preprocessor = new ImagePreprocessor({ size: { shortest_edge: 32 }, crop_size: 32 });
  const image = (seed: number, width = 50, height = 40, channels: 1 | 3 | 4 = 3): RawImage => ({
    data: Uint8Array.from({ length: width * height * channels }, (_, i) => (i * seed * 31 + seed) % 256),
    width,
    height,
    channels,
  });

  it('writes each image into its own slot, and reports bad ones without stopping', () => {
    const images = [
      image(1),
      image(2, 60, 30, 4),
      { data: new Uint8Array(10), width: 50, height: 40, channels: 3 } as RawImage,
      image(3, 33, 77, 1),
    ];
    const batch = preprocessor.preprocessBatch(images);
    expect(batch.dims).toEqual([3, 3, 32, 32]);
    expect(batch.indices).toEqual([0, 1, 3]);
    expect(batch.failures.map((f) => f.index)).toEqual([2]);
    expect(batch.failures[0].error.message).toBe('pixel data has 10 bytes, too few for 50 x 40 x 3');
    const slot = 3 * 32 * 32;
    batch.indices.forEach((input, i) => {
      expect(batch.data.subarray(i * slot, (i + 1) * slot)).toEqual(preprocessor.preprocess(images[input]));
    });
  });

  it("writes into the caller's array when it has room for every image, closing up a bad image's slot", () => {
    const slot = 3 * 32 * 32;
    const images = [image(1), { ...image(2), channels: 2 } as unknown as RawImage, image(3, 70, 20)];
    const output = new Float32Array(3 * slot + 5).fill(-9);
    const batch = preprocessor.preprocessBatch(images, { output });
    expect(batch.indices).toEqual([0, 2]);
    expect(batch.data.buffer).toBe(output.buffer);
    expect(batch.data.byteOffset).toBe(0);
    expect(batch.data.length).toBe(2 * slot);
    expect(batch.data.subarray(0, slot)).toEqual(preprocessor.preprocess(images[0]));
    expect(batch.data.subarray(slot, 2 * slot)).toEqual(preprocessor.preprocess(images[2]));
    expect(output[2 * slot]).toBe(-9); // past the tensor: untouched
    // Too small for the three images given: a new array of exactly the tensor, the caller's untouched.
    const small = new Float32Array(2 * slot).fill(-9);
    const fresh = preprocessor.preprocessBatch(images, { output: small });
    expect(fresh.data.buffer).not.toBe(small.buffer);
    expect(fresh.data.buffer.byteLength).toBe(2 * slot * 4);
    expect(fresh.data).toEqual(batch.data);
    expect(small.every((v) => v === -9)).toBe(true);
    expect(() => preprocessor.preprocessBatch(images, { output: [] as unknown as Float32Array })).toThrow(
      'options.output must be a Float32Array, got an array',
    );
  });

  it('refuses images above the pixel limit and empty images', () => {
    const small = new ImagePreprocessor(parsePreprocessorConfig({}, { maxPixels: 1000 }));
    expect(() => small.preprocess(image(1))).toThrow('image of 50 x 40 pixels is above the limit of 1000 pixels');
    expect(() => small.preprocess({ data: new Uint8Array(0), width: 0, height: 1, channels: 3 })).toThrow(
      'image width must be an integer ≥ 1, got 0',
    );
    small.delete();
  });

  it('keeps WASM memory flat over many images once the largest has been seen', () => {
    const big = image(5, 1500, 1000);
    preprocessor.preprocess(big);
    const heap = wasmMemoryBytes();
    const handles = core().count_emval_handles();
    for (let i = 0; i < 50; i++) preprocessor.preprocess(i % 5 ? image(i) : big);
    expect(wasmMemoryBytes()).toBe(heap);
    expect(core().count_emval_handles()).toBe(handles);
  });
});

describe('decoding in Node', () => {
  const pngs = readdirSync(dir).filter((f) => f.endsWith('.png') && !f.startsWith('kind-'));

  it.each(pngs)('%s decodes to the exact pixels and preprocesses like the reference', async (file) => {
    const decoded = await decodeImage(new URL(file, dir));
    const ref = readNamedArrays(`preprocess/${file.replace('.png', '')}--clip.arrays`);
    const [height, width, channels] = ref.input.shape;
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    expect(decoded.channels).toBe(channels);
    expect(Buffer.compare(decoded.data as Uint8Array, ref.input.values as Uint8Array)).toBe(0);
    const preprocessor = new ImagePreprocessor(configJson(ref));
    const tensor = preprocessor.preprocess(decoded);
    let worst = 0;
    for (let i = 0; i < tensor.length; i++) worst = Math.max(worst, Math.abs(tensor[i] - ref.tensor.values[i]));
    expect(worst).toBeLessThanOrEqual(1e-6);
    preprocessor.delete();
  });

  const kinds = readdirSync(dir).filter((f) => f.startsWith('kind-') && f.endsWith('.png'));

  it('has a PNG of every color type', () => expect(kinds.length).toBe(8));

  it.each(kinds)('%s decodes to the RGB pixels PIL gives', async (file) => {
    const decoded = await decodeImage(new URL(file, dir));
    const want = readNamedArrays(`preprocess/${file}.arrays`).pixels;
    const [height, width] = want.shape;
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    for (let p = 0; p < width * height; p++) {
      for (let c = 0; c < 3; c++) {
        const got = decoded.data[p * decoded.channels + (decoded.channels === 1 ? 0 : c)];
        if (got !== want.values[p * 3 + c])
          throw new Error(`${file}: pixel ${p} channel ${c} is ${got}, PIL says ${want.values[p * 3 + c]}`);
      }
    }
  });

  it('decodes a batch, reporting the files that fail and keeping the others', async () => {
    const png = readFileSync(new URL('224x224.png', dir));
    const result = await decodeImages([png, new Uint8Array(3), new URL('300x2.png', dir), png.subarray(0, 100)]);
    expect(result.images.map((r) => [r.index, r.image.width, r.image.height])).toEqual([
      [0, 224, 224],
      [2, 300, 2],
    ]);
    expect(result.failures.map((f) => [f.index, f.error.message])).toEqual([
      [1, 'not a decodable image (unrecognised header)'],
      [3, 'PNG data is corrupt or truncated: a chunk runs past the end of the file (truncated)'],
    ]);
  });

  it('applies the JPEG EXIF orientation like PIL exif_transpose', async () => {
    const decoded = await decodeImage(readFileSync(new URL('oriented-6.jpg', dir)));
    const ref = readNamedArrays('preprocess/oriented-6.jpg.arrays');
    expect([decoded.height, decoded.width, decoded.channels]).toEqual([...ref.pixels.shape.slice(0, 2), 3]);
    let total = 0;
    for (let i = 0; i < decoded.data.length; i++) total += Math.abs(decoded.data[i] - ref.pixels.values[i]);
    // JPEG decoders differ in chroma upsampling (libjpeg interpolates, jpeg-js repeats) at the
    // image's hard edges: a few levels on average; a wrong orientation is off by about 90.
    expect(total / decoded.data.length).toBeLessThan(5);
    // orientation 6 turns the red top-left corner into the top-right one
    const topRight = (decoded.width - 2) * 3;
    expect(decoded.data[topRight]).toBeGreaterThan(200);
    expect(decoded.data[topRight + 1]).toBeLessThan(60);
  });

  it('rejects empty, truncated, non-image and oversized files with clear errors', async () => {
    const png = readFileSync(new URL('640x480.png', dir));
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(new DecodeError('file is empty'));
    await expect(decodeImage(png.subarray(0, png.length / 2))).rejects.toThrow(
      'PNG data is corrupt or truncated: a chunk runs past the end of the file (truncated)',
    );
    const flipped = Uint8Array.from(png);
    flipped[100] ^= 1;
    await expect(decodeImage(flipped)).rejects.toThrow(
      'PNG data is corrupt or truncated: a chunk fails its CRC check (corrupt)',
    );
    await expect(decodeImage(new TextEncoder().encode('hello, not an image'))).rejects.toThrow(
      'not a decodable image (unrecognised header)',
    );
    const bomb = Uint8Array.from(png.subarray(0, 64));
    new DataView(bomb.buffer).setUint32(16, 100000);
    new DataView(bomb.buffer).setUint32(20, 100000);
    expect(readImageHeader(bomb)).toEqual({ format: 'png', width: 100000, height: 100000 });
    await expect(decodeImage(bomb)).rejects.toThrow(
      'image of 100000 x 100000 pixels is above the limit of 50000000 pixels',
    );
    await expect(decodeImage(png, { maxPixels: 1000 })).rejects.toThrow(
      'image of 640 x 480 pixels is above the limit of 1000 pixels',
    );
  });
});
