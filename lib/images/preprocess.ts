// The CLIP image preprocessing of a model's preprocessor_config.json, run by the WASM core.
import { core, init } from '../wasm/core.js';
import { check, ClipscopeError } from '../common/errors.js';
import type { RawImage } from './raw-image.js';
import { describeType, integerAtLeast, invalid } from '../common/validate.js';
import { WasmObject } from '../wasm/wasm-object.js';
import type { RawPreprocessor } from '../wasm/raw-module.js';

/** The preprocessing of one model, as read from its `preprocessor_config.json`. */
export interface PreprocessorConfig {
  doResize: boolean;
  /** Resize so the shorter side is this (aspect kept); 0 when resizing to an exact size. */
  shortestEdge: number;
  /** Exact resize (SigLIP-style `size: {height, width}`), when shortestEdge is 0. */
  resizeHeight: number;
  resizeWidth: number;
  /** Pillow filter number: 1 lanczos, 2 bilinear, 3 bicubic (CLIP), 4 box, 5 hamming. */
  resample: number;
  doCenterCrop: boolean;
  cropHeight: number;
  cropWidth: number;
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  /** Images with more pixels are refused before any work (decompression bombs). */
  maxPixels: number;
}

const OPENAI_CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const OPENAI_CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
/** Default pixel limit: 50 megapixels (an 8000 × 6000 photo), 200 MB as RGBA. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

type Json = Record<string, unknown>;

function parseConfigText(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    return invalid(`preprocessor config is not valid JSON: ${(error as Error).message}`);
  }
}

function sizeOf(value: unknown, name: string): Json {
  if (typeof value === 'number') return { value };
  if (typeof value === 'object' && value !== null) return value as Json;
  return invalid(`preprocessor config: ${name} must be a number or an object`);
}

function threeNumbers(value: unknown, fallback: [number, number, number], name: string): [number, number, number] {
  if (value === undefined) return fallback;
  const list = typeof value === 'number' ? [value, value, value] : value;
  if (!Array.isArray(list) || list.length !== 3 || !list.every((v) => typeof v === 'number')) {
    invalid(`preprocessor config: ${name} must be 3 numbers`);
  }
  return [list[0], list[1], list[2]];
}

/**
 * Reads a Hugging Face `preprocessor_config.json` (an object or its text) the way
 * transformers' CLIPImageProcessor does: `size` as a number or `{shortest_edge}` (aspect kept)
 * or `{height, width}` (exact), `crop_size` as a number or `{height, width}`, and the
 * `do_*`, `resample`, `rescale_factor`, `image_mean` and `image_std` fields with CLIP's
 * defaults. Center crop defaults to on when `crop_size` is given (CLIP), off otherwise
 * (SigLIP).
 */
export function parsePreprocessorConfig(
  json: string | Json = {},
  options: { maxPixels?: number } = {},
): PreprocessorConfig {
  const c = typeof json === 'string' ? parseConfigText(json) : json;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) invalid('preprocessor config must be a JSON object');
  const size = sizeOf(c.size ?? { shortest_edge: 224 }, 'size');
  const crop = sizeOf(c.crop_size ?? 224, 'crop_size');
  const shortestEdge = Number(size.shortest_edge ?? size.value ?? 0);
  const config: PreprocessorConfig = {
    doResize: c.do_resize !== false,
    shortestEdge,
    resizeHeight: shortestEdge ? 0 : Number(size.height ?? 0),
    resizeWidth: shortestEdge ? 0 : Number(size.width ?? 0),
    resample: Number(c.resample ?? 3),
    doCenterCrop: c.do_center_crop === undefined ? c.crop_size !== undefined : c.do_center_crop !== false,
    cropHeight: Number(crop.height ?? crop.value ?? 0),
    cropWidth: Number(crop.width ?? crop.value ?? 0),
    doRescale: c.do_rescale !== false,
    rescaleFactor: Number(c.rescale_factor ?? 1 / 255),
    doNormalize: c.do_normalize !== false,
    imageMean: threeNumbers(c.image_mean, OPENAI_CLIP_MEAN, 'image_mean'),
    imageStd: threeNumbers(c.image_std, OPENAI_CLIP_STD, 'image_std'),
    maxPixels: integerAtLeast(options.maxPixels ?? DEFAULT_MAX_PIXELS, 1, 'maxPixels'),
  };
  if (c.do_convert_rgb === false) invalid('preprocessor config: do_convert_rgb false is not supported');
  return config;
}

/** A preprocessed batch: `data` holds `dims[0]` images of 3 × height × width floats (NCHW). */
export interface PreprocessedBatch {
  data: Float32Array;
  dims: [number, number, number, number];
  /** The input index of each image in `data`. */
  indices: number[];
  /** Inputs that failed, with the reason; the others went through. */
  failures: Array<{ index: number; error: ClipscopeError }>;
}

// Pixels copied into WASM memory per call. The core's helper threads work on one chunk while
// the next is copied in (two staging buffers) and the one before is copied out. The first
// chunk's copy is the only one no helper overlaps, so it holds one image per thread. The
// others hold 16 MB, or at least four images per thread up to 128 MB (a helper that finishes
// its last image early waits for the others, so a chunk needs several images per thread; a
// 12-megapixel RGBA photo is 48 MB), which bounds the two buffers to 256 MB.
const CHUNK_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES_FOR_THREADS = 128 * 1024 * 1024;
const IMAGES_PER_THREAD = 4;

function* pixelChunks(candidates: number[], images: readonly RawImage[], threads: number): Generator<number[]> {
  let chunk: number[] = [];
  let bytes = 0;
  let first = threads > 1;
  for (const i of candidates) {
    const size = images[i].data.length;
    const fits = first
      ? chunk.length < threads && bytes + size <= CHUNK_BYTES
      : bytes + size <= CHUNK_BYTES ||
        (chunk.length < IMAGES_PER_THREAD * threads && bytes + size <= CHUNK_BYTES_FOR_THREADS);
    if (chunk.length && !fits) {
      yield chunk;
      chunk = [];
      bytes = 0;
      first = false;
    }
    chunk.push(i);
    bytes += size;
  }
  if (chunk.length) yield chunk;
}

function checkImage(image: RawImage): void {
  if (
    typeof image !== 'object' ||
    image === null ||
    !(image.data instanceof Uint8Array || image.data instanceof Uint8ClampedArray)
  ) {
    invalid('image must be { data: Uint8Array | Uint8ClampedArray, width, height, channels }');
  }
}

/**
 * CLIP image preprocessing in WASM, bit-exact with transformers' CLIPImageProcessor on its
 * PIL path: convert to RGB, resize with Pillow's filter arithmetic, center crop, rescale,
 * normalise, channel-first. Call `delete()` (or `using`) to free it.
 */
export class ImagePreprocessor extends WasmObject<RawPreprocessor> {
  readonly config: PreprocessorConfig;

  /** Loads the core if needed. `config`: a parsed config or a preprocessor_config.json object. */
  static async create(config?: PreprocessorConfig | Json): Promise<ImagePreprocessor> {
    await init();
    return new ImagePreprocessor(config);
  }

  constructor(config: PreprocessorConfig | Json = {}) {
    if (typeof config !== 'string' && (typeof config !== 'object' || config === null || Array.isArray(config))) {
      invalid(`preprocessor config must be an object or JSON text, got ${describeType(config)}`);
    }
    const parsed =
      typeof config === 'object' && 'shortestEdge' in config
        ? (config as PreprocessorConfig)
        : parsePreprocessorConfig(config as Json);
    super(check(core().createPreprocessor(parsed)).preprocessor, 'ImagePreprocessor');
    this.config = parsed;
  }

  /** Width and height of the tensor for an input of the given size. */
  outputSize(width: number, height: number): { width: number; height: number } {
    const [w, h] = check(core().preprocessedSize(this.config, width, height));
    return { width: w, height: h };
  }

  /** One image to 3 × height × width floats. Throws a typed error for a bad image. */
  preprocess(image: RawImage): Float32Array {
    const batch = this.preprocessBatch([image]);
    if (batch.failures.length) throw batch.failures[0].error;
    return batch.data;
  }

  /**
   * Many images into one NCHW tensor, each written straight into its slot in WASM memory.
   * A bad image is reported in `failures` and the others go through. The images must share
   * an output size (true whenever the config crops or resizes to an exact size). Images are
   * computed on the core's threads (`coreThreads()`), with the same floats as on one.
   *
   * `options.output`: a Float32Array to write the tensor into (`data` is then a view of its
   * start) when it has room for every image given, instead of a new one each call: a loop of
   * batches that reuses one saves the new array's first-touch cost, as much as the copy itself.
   */
  preprocessBatch(images: readonly RawImage[], options: { output?: Float32Array } = {}): PreprocessedBatch {
    const output = options.output;
    if (output !== undefined && !(output instanceof Float32Array)) {
      invalid(`options.output must be a Float32Array, got ${describeType(output)}`);
    }
    const raw = this.raw;
    const failures: PreprocessedBatch['failures'] = [];
    // Photos of a batch mostly share a few sizes: each is asked of the core once.
    const known = new Map<string, { width: number; height: number }>();
    const sizes = images.map((image, index) => {
      try {
        checkImage(image);
        integerAtLeast(image.width, 1, 'image width');
        integerAtLeast(image.height, 1, 'image height');
        const key = `${image.width} ${image.height}`;
        let size = known.get(key);
        if (!size) known.set(key, (size = this.outputSize(image.width, image.height)));
        return size;
      } catch (error) {
        failures.push({ index, error: error as ClipscopeError });
        return undefined;
      }
    });
    const first = sizes.find((s) => s !== undefined);
    const width = first?.width ?? 0;
    const height = first?.height ?? 0;
    const candidates = images.map((_, i) => i).filter((i) => sizes[i] !== undefined);
    for (const i of candidates) {
      if (sizes[i]!.width !== width || sizes[i]!.height !== height) {
        invalid(
          `images preprocess to different sizes (${width} x ${height} and ${sizes[i]!.width} x ${sizes[i]!.height}); use a config that crops`,
        );
      }
    }
    if (!candidates.length) return { data: new Float32Array(0), dims: [0, 3, height, width], indices: [], failures };
    check(raw.resizeBatch(candidates.length, width, height));
    // The tensor the caller gets: slot j of WASM's is candidates[j], and a failed image leaves
    // a hole there, closed up in this one.
    const slot = 3 * width * height;
    const data =
      output && output.length >= candidates.length * slot ? output : new Float32Array(candidates.length * slot);
    const ok: boolean[] = [];
    let copied = 0;
    let filled = 0;
    const copyOut = (view: Float32Array, upTo: number): void => {
      for (const end = Math.min(upTo, view.length / slot); copied < end; copied++) {
        if (ok[copied]) data.set(view.subarray(copied * slot, (copied + 1) * slot), filled++ * slot);
      }
    };
    // Chunks of images whose pixels are copied into WASM memory together, then run on the
    // core's helper threads while the next chunk is copied in and the last one out.
    try {
      for (const chunk of pixelChunks(candidates, images, core().workerThreads())) {
        const batch = chunk.map((i) => {
          const image = images[i];
          return { ...image, stride: image.stride ?? image.width * image.channels };
        });
        // An error for the whole call (memory) is every image's of the chunk; the rest go on.
        const results = raw.startBatch(batch, ok.length);
        chunk.forEach((i, j) => {
          try {
            check(Array.isArray(results) ? results[j] : results);
            ok.push(true);
          } catch (error) {
            ok.push(false);
            failures.push({ index: i, error: error as ClipscopeError });
          }
        });
        copyOut(raw.finishedView(), ok.length - chunk.length);
      }
    } finally {
      raw.finishBatch();
    }
    copyOut(raw.batchView(), ok.length);
    failures.sort((a, b) => a.index - b.index);
    const indices = candidates.filter((_, j) => ok[j]);
    const floats = filled * slot;
    // A new array is exactly the tensor's size; the caller's is a view of its start.
    const tensor = data === output ? data.subarray(0, floats) : floats < data.length ? data.slice(0, floats) : data;
    return { data: tensor, dims: [indices.length, 3, height, width], indices, failures };
  }

  /** Gives back the WASM buffers kept for reuse (they grow to the largest image seen); the preprocessor stays usable. */
  trimBuffers(): void {
    this.raw.release();
  }
}
