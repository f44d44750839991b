// A CLIP model on onnxruntime-web: images and texts in, unit-length embeddings out. Decoding,
// preprocessing, tokenizing and normalising run in the WASM core; the encoders run in ORT.
import { throwIfAborted } from '../common/abort.js';
import { core, init } from '../wasm/core.js';
import {
  check,
  ClipscopeError,
  DecodeError,
  DeletedError,
  InvalidArgumentError,
  ModelInterfaceError,
  ModelLoadError,
  NotFiniteError,
} from '../common/errors.js';
import { startDecode, type ImageSource } from '../images/decode.js';
import {
  DEFAULT_MODEL_URL,
  modelFiles,
  type DownloadProgress,
  type ModelDtype,
  type ModelFiles,
  type ModelManifest,
  type ModelSource,
} from './model-files.js';
import {
  chooseBackend,
  checkInterface,
  createSession,
  outputFloats,
  resolveThreads,
  type Ort,
  type BackendChoice,
  type BackendInfo,
  type EncoderKind,
} from './onnx-runtime.js';
import { ImagePreprocessor, parsePreprocessorConfig } from '../images/preprocess.js';
import type { RawImage } from '../images/raw-image.js';
import { ClipTokenizer, MAX_CONTEXT_LENGTH } from '../text/tokenizer.js';
import { describeType, integerAtLeast, invalid } from '../common/validate.js';

/** CLIP ViT-B/32's learned temperature: exp(4.6052). config.json only has the initial value. */
export const CLIP_LOGIT_SCALE = 100;

/** Options of {@link ClipModel.load}. */
export interface ClipModelOptions {
  /**
   * Default `'auto'`: WebGPU when a GPU adapter exists and passes the canary check, else WASM
   * (also when the only adapter is a software fallback: over 100× slower than WASM).
   */
  backend?: BackendChoice;
  /**
   * Which weight files. Default by backend, from measurement (bench/RESULTS.md, model variants):
   * `'quantized'` on WASM (int8: 1.8× fp32's images/s on one thread, 2.5× on two; fp16 stays
   * below it), `'fp32'` on WebGPU (the one variant that passed the canary check on the
   * adapter measured; try `'fp16'` on a GPU with shader-f16 — the canary guards it).
   */
  dtype?: ModelDtype;
  /**
   * WASM threads. Default: up to 4 where the context allows threads (cross-origin isolated,
   * shared memory, Workers), else 1; `backend.threadsReason` says which.
   */
  threads?: number;
  /** Expected sizes / SHA-256 of files; a mismatch is a ModelLoadError. */
  manifest?: ModelManifest;
  /** Download (or read) progress of each file. */
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Keep downloaded files in Cache Storage for offline use. Default true. */
  cache?: boolean;
  /** Which encoders to load. Default both. */
  encoders?: readonly EncoderKind[];
  /** WebGPU must agree with WASM on the canary inputs at least this well (cosine). Default 0.999. */
  canaryMinCosine?: number;
  /** Temperature of `classify`. Default {@link CLIP_LOGIT_SCALE}. */
  logitScale?: number;
  /** Images with more pixels are refused before decoding. Default 50 megapixels. */
  maxPixels?: number;
}

/** Progress of an embedding run, reported after each batch. */
export interface EmbedProgress {
  done: number;
  total: number;
  failed: number;
  imagesPerSecond: number;
  /** Seconds left at the current rate. */
  secondsLeft: number;
}

/** Options of an embedding run. */
export interface EmbedOptions {
  /** Images per ORT run. Default 8. */
  batchSize?: number;
  onProgress?: (progress: EmbedProgress) => void;
  /**
   * Each batch's rows as soon as they are ready (before its progress report): the input index
   * of each row and `indices.length × dim` unit floats. Work kept here survives a cancel.
   */
  onBatch?: (batch: { indices: number[]; embeddings: Float32Array; dim: number }) => void;
  /** Cancels between images; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Milliseconds spent per stage of the image pipeline. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  inference: number;
  postprocess: number;
}

/** Embeddings of the images that went through, in input order, and why the others failed. */
export interface ImageEmbeddings {
  /** `indices.length` rows of `dim` floats, unit length. */
  embeddings: Float32Array;
  dim: number;
  /** Input index of each row. */
  indices: number[];
  failures: Array<{ index: number; error: ClipscopeError }>;
  /** Time per stage; `decode` is the time spent waiting for decoded images (decoding overlaps the rest). */
  timings: StageTimings;
}

/** One label's zero-shot probability. */
export interface LabelScore {
  label: string;
  probability: number;
}

interface Encoder {
  session: Ort.InferenceSession;
  /** The onnxruntime-web build the session belongs to: its tensors must come from it too. */
  ort: typeof Ort;
  file: string;
}

const VARIANT_SUFFIX: Record<ModelDtype, string> = { fp32: '', quantized: '_quantized', fp16: '_fp16' };

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

function parseJson(bytes: Uint8Array, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelLoadError(`${file} is not valid JSON: ${String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelLoadError(`${file} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function projectionDimOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65536) {
    throw new ModelLoadError(
      `config.json: projection_dim must be an integer from 1 to 65536, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

// The embedding size, read from the model: the encoders' output shapes ([batch, dim]), else
// config.json's projection_dim. Nothing is run to find it.
function embeddingDim(sessions: Partial<Record<EncoderKind, Encoder>>, projectionDim: number | undefined): number {
  const found: Array<{ file: string; dim: number }> = [];
  for (const [kind, encoder] of Object.entries(sessions) as Array<[EncoderKind, Encoder | undefined]>) {
    const output = encoder?.session.outputMetadata?.find(
      (o) => o.name === `${kind === 'vision' ? 'image' : 'text'}_embeds`,
    );
    const dim = output?.isTensor ? output.shape[output.shape.length - 1] : undefined;
    if (typeof dim === 'number') found.push({ file: encoder!.file, dim });
  }
  if (found.length === 2 && found[0].dim !== found[1].dim) {
    throw new ModelInterfaceError(
      `${found[0].file} gives ${found[0].dim}-dimensional embeddings, ${found[1].file} ${found[1].dim}-dimensional: not one CLIP model`,
    );
  }
  const dim = found[0]?.dim ?? projectionDim;
  if (dim === undefined) {
    throw new ModelLoadError(
      "the embedding size is neither in the encoders' output shapes nor in config.json (projection_dim)",
    );
  }
  return dim;
}

// The text encoder's row length from config.json: CLIP's 77 when absent, else within the
// tokenizer's bound.
function contextLengthOf(textConfig: unknown): number {
  const value =
    typeof textConfig === 'object' && textConfig !== null
      ? (textConfig as Record<string, unknown>).max_position_embeddings
      : undefined;
  if (value === undefined) return 77;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 2 || value > MAX_CONTEXT_LENGTH) {
    throw new ModelLoadError(
      `config.json: text_config.max_position_embeddings must be an integer from 2 to ${MAX_CONTEXT_LENGTH}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

// Which onnx file of an encoder to use: the requested variant, else (for picked files and
// folders, which can be listed or probed cheaply) the other variants in a fixed order.
async function readEncoderFile(
  files: ModelFiles,
  kind: EncoderKind,
  dtype: ModelDtype,
  options: ClipModelOptions,
): Promise<{ file: string; bytes: Uint8Array }> {
  const order: ModelDtype[] = [dtype, ...(['fp32', 'quantized', 'fp16'] as ModelDtype[]).filter((d) => d !== dtype)];
  const tried: string[] = [];
  for (const variant of files.remote ? [dtype] : order) {
    const file = `onnx/${kind}_model${VARIANT_SUFFIX[variant]}.onnx`;
    tried.push(file);
    const bytes = await files.read(file, options);
    if (bytes) return { file, bytes };
  }
  throw new ModelLoadError(`${files.label} has no ${tried.join(' or ')} (HTTP 404 or file not present)`);
}

async function loadTokenizer(files: ModelFiles, options: ClipModelOptions): Promise<ClipTokenizer> {
  const json = await files.read('tokenizer.json', options);
  if (json) {
    const parsed = parseJson(json, 'tokenizer.json') as {
      model?: { merges?: unknown; vocab?: Record<string, unknown> };
    };
    const tokenizer = await ClipTokenizer.fromTokenizerJson(parsed);
    if (parsed.model?.vocab) checkVocabulary(tokenizer, parsed.model.vocab, 'tokenizer.json');
    return tokenizer;
  }
  const merges = await files.read('merges.txt', options);
  if (!merges) {
    throw new ModelLoadError(`${files.label} has neither tokenizer.json nor merges.txt (HTTP 404 or file not present)`);
  }
  const text = new TextDecoder().decode(merges);
  const count = text.split('\n').filter((line, i) => line.length > 0 && !(i === 0 && line.includes('#version'))).length;
  const tokenizer = await ClipTokenizer.fromMerges(text, count);
  const vocab = await files.read('vocab.json', options);
  if (vocab) checkVocabulary(tokenizer, parseJson(vocab, 'vocab.json'), 'vocab.json');
  return tokenizer;
}

// The tokenizer derives ids from the merges in CLIP's layout; a vocabulary file that numbers
// tokens differently would silently give wrong ids, so a spread of entries is compared.
function checkVocabulary(tokenizer: ClipTokenizer, vocab: Record<string, unknown>, file: string): void {
  const entries = Object.entries(vocab);
  const step = Math.max(1, Math.floor(entries.length / 200));
  for (let i = 0; i < entries.length; i += step) {
    const [token, id] = entries[i];
    if (tokenizer.tokenId(token) !== id) {
      throw new ModelLoadError(
        `${file} numbers "${token}" ${String(id)}, CLIP's layout gives ${tokenizer.tokenId(token)}: not a CLIP BPE vocabulary`,
      );
    }
  }
}

// A fixed, varied input for comparing backends: a smooth colour pattern.
function canaryPixels(width: number, height: number): Float32Array {
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data[(c * height + y) * width + x] = Math.sin((x * (c + 1)) / 17 + y / 23) * 1.5;
    }
  }
  return data;
}

function minRowCosine(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let row = 0; row * dim < a.length; row++) {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let j = row * dim; j < (row + 1) * dim; j++) {
      dot += a[j] * b[j];
      na += a[j] * a[j];
      nb += b[j] * b[j];
    }
    const cosine = dot / Math.sqrt(na * nb);
    worst = Math.min(worst, Number.isFinite(cosine) ? cosine : -1);
  }
  return worst;
}

// What a model's files give before any session starts.
interface ModelParts {
  preprocessor?: ImagePreprocessor;
  tokenizer?: ClipTokenizer;
  contextLength: number;
  padId: number;
  /** config.json's projection_dim, when given. */
  projectionDim?: number;
  vision?: { file: string; bytes: Uint8Array };
  text?: { file: string; bytes: Uint8Array };
}

/** The weight files each backend loads unless `dtype` is given (see {@link ClipModelOptions.dtype}). */
export const DEFAULT_DTYPE: Readonly<Record<'wasm' | 'webgpu', ModelDtype>> = { wasm: 'quantized', webgpu: 'fp32' };

async function readModelParts(files: ModelFiles, options: ClipModelOptions, dtype: ModelDtype): Promise<ModelParts> {
  const encoders = options.encoders ?? ['vision', 'text'];
  const configBytes = await files.read('config.json', options);
  const config = configBytes ? parseJson(configBytes, 'config.json') : {};
  const parts: ModelParts = {
    contextLength: contextLengthOf(config.text_config),
    padId: 0,
    projectionDim: projectionDimOf(config.projection_dim),
  };
  try {
    if (encoders.includes('vision')) {
      const configBytes = await files.read('preprocessor_config.json', options);
      if (!configBytes) throw new ModelLoadError(`${files.label} has no preprocessor_config.json`);
      const json = parseJson(configBytes, 'preprocessor_config.json');
      parts.vision = await readEncoderFile(files, 'vision', dtype, options);
      try {
        parts.preprocessor = new ImagePreprocessor(parsePreprocessorConfig(json, { maxPixels: options.maxPixels }));
      } catch (error) {
        // The config's fields are checked by the parser and the core: name the file.
        if (error instanceof InvalidArgumentError)
          throw new ModelLoadError(`preprocessor_config.json: ${error.message.replace(/^preprocessor config: /, '')}`);
        throw error;
      }
    }
    if (encoders.includes('text')) {
      parts.tokenizer = await loadTokenizer(files, options);
      const tokenizerConfig = await files.read('tokenizer_config.json', options);
      const padToken = tokenizerConfig ? parseJson(tokenizerConfig, 'tokenizer_config.json').pad_token : undefined;
      const padId = typeof padToken === 'string' ? parts.tokenizer.tokenId(padToken) : -1;
      parts.padId = padId >= 0 ? padId : parts.tokenizer.endId;
      parts.text = await readEncoderFile(files, 'text', dtype, options);
    }
    return parts;
  } catch (error) {
    parts.preprocessor?.delete();
    parts.tokenizer?.delete();
    throw error;
  }
}

// Sessions for the encoders present, each checked against CLIP's interface.
async function startEncoders(
  parts: ModelParts,
  backend: 'webgpu' | 'wasm',
): Promise<Partial<Record<EncoderKind, Encoder>>> {
  const out: Partial<Record<EncoderKind, Encoder>> = {};
  try {
    for (const [kind, part] of [
      ['vision', parts.vision],
      ['text', parts.text],
    ] as const) {
      if (!part) continue;
      const { session, ort } = await createSession(part.bytes, part.file, backend);
      out[kind] = { session, ort, file: part.file };
      checkInterface(session, kind, part.file);
    }
    return out;
  } catch (error) {
    await releaseEncoders(out);
    throw error;
  }
}

async function releaseEncoders(encoders: Partial<Record<EncoderKind, Encoder | undefined>>): Promise<void> {
  await Promise.all(Object.values(encoders).map((e) => e?.session.release()));
}

/**
 * A CLIP model (vision and text encoders) running on onnxruntime-web, with the image
 * preprocessing and tokenizer of the WASM core. Load with {@link ClipModel.load}; call
 * `delete()` (or `await using`) to free the sessions.
 */
export class ClipModel {
  #backend: BackendInfo;
  /** Embedding size (512 for ViT-B/32), from the encoders' output shapes or config.json. */
  readonly dim: number;

  /** Which backend runs the encoders, and why (after the WebGPU canary, when there was one). */
  get backend(): BackendInfo {
    return this.#backend;
  }
  readonly logitScale: number;
  /** The onnx files in use, e.g. `{ vision: 'onnx/vision_model_quantized.onnx', ... }`. */
  readonly files: Partial<Record<EncoderKind, string>>;
  #vision: Encoder | undefined;
  #text: Encoder | undefined;
  #preprocessor: ImagePreprocessor | undefined;
  #tokenizer: ClipTokenizer | undefined;
  #contextLength: number;
  #padId: number;
  #maxPixels: number;
  #released = false;

  private constructor(parts: {
    backend: BackendInfo;
    vision?: Encoder;
    text?: Encoder;
    preprocessor?: ImagePreprocessor;
    tokenizer?: ClipTokenizer;
    contextLength: number;
    padId: number;
    logitScale: number;
    maxPixels: number;
    dim: number;
  }) {
    this.#backend = parts.backend;
    this.dim = parts.dim;
    this.#vision = parts.vision;
    this.#text = parts.text;
    this.#preprocessor = parts.preprocessor;
    this.#tokenizer = parts.tokenizer;
    this.#contextLength = parts.contextLength;
    this.#padId = parts.padId;
    this.logitScale = parts.logitScale;
    this.#maxPixels = parts.maxPixels;
    this.files = { vision: parts.vision?.file, text: parts.text?.file };
  }

  /**
   * Loads a model's files (see {@link ModelSource}; default: Xenova/clip-vit-base-patch32 from
   * the Hugging Face hub), checks them, and starts the encoders on the chosen backend. With
   * WebGPU, a canary input is run on WebGPU and WASM first; if they disagree, WASM is used
   * and `backend.reason` says why.
   */
  static async load(source: ModelSource = DEFAULT_MODEL_URL, options: ClipModelOptions = {}): Promise<ClipModel> {
    await init();
    const requested = options.threads === undefined ? undefined : integerAtLeast(options.threads, 1, 'threads');
    if (options.dtype !== undefined && !Object.hasOwn(VARIANT_SUFFIX, options.dtype))
      invalid(`dtype must be 'fp32', 'quantized' or 'fp16', got ${describeType(options.dtype)}`);
    const backend = await chooseBackend(options.backend ?? 'auto', resolveThreads(requested));
    const parts = await readModelParts(modelFiles(source), options, options.dtype ?? DEFAULT_DTYPE[backend.name]);
    let sessions: Partial<Record<EncoderKind, Encoder>> = {};
    try {
      throwIfAborted(options.signal);
      sessions = await startEncoders(parts, backend.name);
      const model = new ClipModel({
        backend,
        vision: sessions.vision,
        text: sessions.text,
        preprocessor: parts.preprocessor,
        tokenizer: parts.tokenizer,
        contextLength: parts.contextLength,
        padId: parts.padId,
        logitScale: options.logitScale ?? CLIP_LOGIT_SCALE,
        maxPixels: options.maxPixels ?? 50_000_000,
        dim: embeddingDim(sessions, parts.projectionDim),
      });
      if (backend.name === 'webgpu') await model.#checkWebGpu(parts, options.canaryMinCosine ?? 0.999);
      return model;
    } catch (error) {
      // Nothing half-loaded stays behind: sessions and WASM objects are freed.
      await releaseEncoders(sessions);
      parts.preprocessor?.delete();
      parts.tokenizer?.delete();
      throw error;
    }
  }

  // Runs the canary input on WebGPU and on WASM; keeps WebGPU only if they agree.
  async #checkWebGpu(parts: ModelParts, minCosine: number): Promise<void> {
    const webgpu = { vision: this.#vision, text: this.#text };
    const reference = await startEncoders(parts, 'wasm');
    const verdict = await this.#canary(webgpu, reference, minCosine).catch(async (error: unknown) => {
      await releaseEncoders(reference);
      throw error;
    });
    if (verdict.agree) {
      await releaseEncoders(reference);
      this.#backend = {
        ...this.backend,
        reason: `${this.backend.reason}; canary agrees with WASM (cosine ${verdict.cosine.toFixed(6)})`,
      };
      return;
    }
    await releaseEncoders(webgpu);
    this.#vision = reference.vision;
    this.#text = reference.text;
    this.#backend = {
      name: 'wasm',
      reason: `WebGPU output disagreed with WASM on the canary input (cosine ${verdict.cosine.toFixed(6)} < ${minCosine}); using WASM`,
      threads: this.backend.threads,
      threadsReason: this.backend.threadsReason,
    };
  }

  async #canary(
    candidate: Partial<Record<EncoderKind, Encoder>>,
    reference: Partial<Record<EncoderKind, Encoder>>,
    minCosine: number,
  ): Promise<{ agree: boolean; cosine: number }> {
    let worst = 1;
    if (candidate.vision && reference.vision) {
      const { width, height } = this.#preprocessor!.outputSize(224, 224);
      const pixels = canaryPixels(width, height);
      const feeds = (e: Encoder) => ({ pixel_values: new e.ort.Tensor('float32', pixels, [1, 3, height, width]) });
      const a = outputFloats((await candidate.vision.session.run(feeds(candidate.vision))).image_embeds);
      const b = outputFloats((await reference.vision.session.run(feeds(reference.vision))).image_embeds);
      worst = Math.min(worst, minRowCosine(a, b, a.length));
    }
    if (candidate.text && reference.text) {
      const texts = ['a photo of a cat', 'red green blue'];
      const a = outputFloats((await candidate.text.session.run(this.#textFeeds(texts, candidate.text))).text_embeds);
      const b = outputFloats((await reference.text.session.run(this.#textFeeds(texts, reference.text))).text_embeds);
      worst = Math.min(worst, minRowCosine(a, b, a.length / 2));
    }
    return { agree: worst >= minCosine, cosine: worst };
  }

  #check(): void {
    if (this.#released) throw new DeletedError('this ClipModel was released');
  }

  #textFeeds(texts: readonly string[], encoder: Encoder): Record<string, Ort.Tensor> {
    const batch = this.#tokenizer!.encodeBatch(texts, { contextLength: this.#contextLength, padId: this.#padId });
    const dims = [texts.length, this.#contextLength];
    const feeds: Record<string, Ort.Tensor> = {
      input_ids: new encoder.ort.Tensor(
        'int64',
        BigInt64Array.from(batch.ids, (v) => BigInt(v)),
        dims,
      ),
    };
    if (encoder.session.inputNames.includes('attention_mask')) {
      feeds.attention_mask = new encoder.ort.Tensor(
        'int64',
        BigInt64Array.from(batch.attentionMask, (v) => BigInt(v)),
        dims,
      );
    }
    return feeds;
  }

  // Unit-length rows in the core; rows that are not finite or zero become failures.
  #normalize(raw: Float32Array, rows: number, kind: EncoderKind): { embeddings: Float32Array; ok: Uint8Array } {
    if (raw.length !== rows * this.dim) {
      throw new ModelInterfaceError(
        `the ${kind} encoder gave ${raw.length} floats for ${rows} inputs; the model says ${this.dim} per input`,
      );
    }
    const { embeddings, rowOk } = check(core().normalizeRows(raw, rows, this.dim));
    return { embeddings, ok: rowOk };
  }

  /** Embeds texts: `texts.length` unit rows of `dim` floats. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array> {
    this.#check();
    if (!this.#text) throw new InvalidArgumentError('this model was loaded without its text encoder');
    if (texts.length === 0) return new Float32Array(0);
    const output = await this.#text.session.run(this.#textFeeds(texts, this.#text));
    const raw = outputFloats(output.text_embeds);
    const { embeddings, ok } = this.#normalize(raw, texts.length, 'text');
    const bad = ok.indexOf(0);
    if (bad >= 0) throw new NotFiniteError(`text model output for "${texts[bad]}" is not finite or zero`);
    return embeddings;
  }

  /** Embeds one text. */
  async embedText(text: string): Promise<Float32Array> {
    return this.embedTexts([text]);
  }

  /**
   * Embeds images: each is decoded, preprocessed into the batch tensor, run through the vision
   * encoder and normalised. A bad image is reported in `failures` and the rest go through.
   */
  async embedImages(images: readonly ImageSource[], options: EmbedOptions = {}): Promise<ImageEmbeddings> {
    this.#check();
    if (!this.#vision || !this.#preprocessor) {
      throw new InvalidArgumentError('this model was loaded without its vision encoder');
    }
    const batchSize = integerAtLeast(options.batchSize ?? 8, 1, 'batchSize');
    const timings: StageTimings = { decode: 0, preprocess: 0, inference: 0, postprocess: 0 };
    const rows: Float32Array[] = [];
    const indices: number[] = [];
    const failures: ImageEmbeddings['failures'] = [];
    const started = now();
    // A batch's images are decoded concurrently (browsers decode off the main thread), and the
    // next batch is decoding while this one is preprocessed and run: inference blocks this
    // thread, so it starts only once the next batch's decoding has left it (handedOff).
    const decodeBatch = (from: number) => {
      const decodes = images
        .slice(from, from + batchSize)
        .map((image) => startDecode(image, { maxPixels: this.#maxPixels }));
      return {
        settled: Promise.allSettled(decodes.map((d) => d.image)),
        handedOff: Promise.all(decodes.map((d) => d.handedOff)),
      };
    };
    let upcoming = decodeBatch(0);
    // One tensor for every batch: each is preprocessed after the last inference has finished.
    let tensor: Float32Array | undefined;
    for (let from = 0; from < images.length; from += batchSize) {
      throwIfAborted(options.signal);
      let t = now();
      const settled = await upcoming.settled;
      throwIfAborted(options.signal);
      const next = from + batchSize < images.length ? decodeBatch(from + batchSize) : undefined;
      if (next) upcoming = next;
      const decoded: Array<{ index: number; image: RawImage }> = [];
      settled.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') {
          decoded.push({ index: from + i, image: outcome.value });
        } else {
          const error = outcome.reason;
          failures.push({
            index: from + i,
            error: error instanceof ClipscopeError ? error : new DecodeError(String(error)),
          });
        }
      });
      timings.decode += now() - t;
      t = now();
      const batch = this.#preprocessor.preprocessBatch(
        decoded.map((d) => d.image),
        { output: tensor },
      );
      if (batch.data.buffer !== tensor?.buffer) tensor = batch.data;
      for (const failure of batch.failures)
        failures.push({ index: decoded[failure.index].index, error: failure.error });
      timings.preprocess += now() - t;
      if (batch.indices.length > 0) {
        if (next) {
          t = now();
          await next.handedOff;
          timings.decode += now() - t;
        }
        t = now();
        const vision = this.#vision;
        const output = await vision.session.run({
          pixel_values: new vision.ort.Tensor('float32', batch.data, batch.dims),
        });
        const raw = outputFloats(output.image_embeds);
        timings.inference += now() - t;
        t = now();
        const { embeddings, ok } = this.#normalize(raw, batch.indices.length, 'vision');
        const batchIndices: number[] = [];
        const batchRows: Float32Array[] = [];
        for (let r = 0; r < batch.indices.length; r++) {
          const index = decoded[batch.indices[r]].index;
          if (ok[r]) {
            batchRows.push(embeddings.subarray(r * this.dim, (r + 1) * this.dim));
            batchIndices.push(index);
          } else {
            failures.push({
              index,
              error: new NotFiniteError(`vision model output for image ${index} is not finite or zero`),
            });
          }
        }
        rows.push(...batchRows);
        indices.push(...batchIndices);
        timings.postprocess += now() - t;
        if (options.onBatch && batchIndices.length) {
          const packed = new Float32Array(batchRows.length * this.dim);
          batchRows.forEach((row, i) => packed.set(row, i * this.dim));
          options.onBatch({ indices: batchIndices, embeddings: packed, dim: this.dim });
        }
      }
      const done = Math.min(from + batchSize, images.length);
      const seconds = (now() - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      options.onProgress?.({
        done,
        total: images.length,
        failed: failures.length,
        imagesPerSecond: rate,
        secondsLeft: rate > 0 ? (images.length - done) / rate : Infinity,
      });
    }
    // Rows and failures in input order.
    const order = indices.map((_, i) => i).sort((a, b) => indices[a] - indices[b]);
    const embeddings = new Float32Array(order.length * this.dim);
    order.forEach((row, i) => embeddings.set(rows[row], i * this.dim));
    failures.sort((a, b) => a.index - b.index);
    return { embeddings, dim: this.dim, indices: order.map((row) => indices[row]), failures, timings };
  }

  /** Embeds one image; throws its error if it fails. */
  async embedImage(image: ImageSource, options: Omit<EmbedOptions, 'batchSize'> = {}): Promise<Float32Array> {
    const result = await this.embedImages([image], options);
    if (result.failures.length) throw result.failures[0].error;
    return result.embeddings;
  }

  /**
   * Zero-shot classification: softmax over `logitScale` × cosine(image, label text), labels
   * sorted by probability. `image` may be an embedding (Float32Array of `dim`).
   */
  async classify(image: ImageSource | Float32Array, labels: readonly string[]): Promise<LabelScore[]> {
    if (labels.length === 0) throw new InvalidArgumentError('classify needs at least one label');
    const embedding =
      image instanceof Float32Array && (this.dim === 0 || image.length === this.dim) && image.length > 0
        ? image
        : await this.embedImage(image as ImageSource);
    const texts = await this.embedTexts(labels);
    const probabilities = check(
      core().zeroShotProbabilities(embedding, texts, labels.length, this.dim, this.logitScale),
    );
    return labels
      .map((label, i) => ({ label, probability: probabilities[i] }))
      .sort((a, b) => b.probability - a.probability);
  }

  /** Frees the ORT sessions and WASM buffers; later calls throw DeletedError. */
  async delete(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#vision?.session.release();
    await this.#text?.session.release();
    this.#preprocessor?.delete();
    this.#tokenizer?.delete();
  }

  /** `await using model = await ClipModel.load(...)` frees it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.delete();
  }
}
