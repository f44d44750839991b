// onnxruntime-web sessions for the CLIP encoders: backend choice (WebGPU when an adapter exists,
// else WASM), thread count, checks of the model files and of their inputs/outputs.
import type * as Ort from 'onnxruntime-web';
import { ModelInterfaceError, ModelLoadError } from '../common/errors.js';
import { withinTime } from '../common/time-limit.js';

/** Which execution provider runs the encoders. `'auto'`: WebGPU when usable, else WASM. */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

/** The backend that runs, and why it was chosen. */
export interface BackendInfo {
  name: 'webgpu' | 'wasm';
  /** Why: "requested", "WebGPU adapter found", "navigator.gpu.requestAdapter() returned null", ... */
  reason: string;
  /** WASM threads (1 without cross-origin isolation). */
  threads: number;
  /** Why that many threads: what the context allows, detected, or what was requested. */
  threadsReason: string;
}

/** Package-wide onnxruntime-web settings; set them before the first model loads. */
export interface RuntimeSettings {
  /**
   * Where onnxruntime-web's `.wasm`/`.mjs` files are served from, when self-hosted (a directory
   * URL ending in `/`). By default they are resolved next to onnxruntime-web's own module,
   * which bundlers and Node understand; no CDN is ever used.
   */
  ortWasmPaths?: string;
}

/** See {@link RuntimeSettings}. */
export const runtimeSettings: RuntimeSettings = {};

const scope = globalThis as { document?: unknown; WorkerGlobalScope?: unknown };
const isBrowser = scope.document !== undefined || scope.WorkerGlobalScope !== undefined;

/** What {@link threadSupport} looks at: the global scope's features (a parameter for the tests). */
export interface ThreadScope {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  Worker?: unknown;
  WebAssembly?: { Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => unknown };
  navigator?: { hardwareConcurrency?: number };
}

/** Most threads used by default: leaves the page's own work a core on larger machines. */
const MAX_DEFAULT_THREADS = 4;

/**
 * How many WASM threads onnxruntime-web can use in this context, and why: several only where
 * each thing its threads need is there (feature detection, never the browser's name).
 */
export function threadSupport(
  scope: ThreadScope = globalThis as ThreadScope,
  browser = isBrowser,
): { threads: number; reason: string } {
  const one = (reason: string) => ({ threads: 1, reason });
  if (!browser) return one('outside a browser onnxruntime-web runs its WASM backend on one thread');
  if (scope.crossOriginIsolated !== true)
    return one(
      'the page is not cross-origin isolated (it needs the COOP and COEP headers), so WASM threads are unavailable',
    );
  if (typeof scope.SharedArrayBuffer !== 'function')
    return one('SharedArrayBuffer is missing although the page is cross-origin isolated');
  try {
    new scope.WebAssembly!.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (error) {
    return one(`shared WebAssembly memory cannot be created here (${String(error)})`);
  }
  if (typeof scope.Worker !== 'function')
    return one('this context cannot start Workers, which onnxruntime-web runs its threads in');
  const cores = Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1));
  const threads = Math.min(MAX_DEFAULT_THREADS, cores);
  return {
    threads,
    reason: `cross-origin isolated, ${cores} core${cores > 1 ? 's' : ''}: ${threads} thread${threads > 1 ? 's' : ''}`,
  };
}

const modules: Partial<Record<'webgpu' | 'wasm', Promise<typeof Ort>>> = {};
const threadsOf = new WeakMap<typeof Ort, number>();

/**
 * onnxruntime-web for a backend, imported on first use (pages that only use the index,
 * clustering or preprocessing never load it). In browsers WASM uses the plain build, which is
 * faster than the WebGPU-capable one on CPU; Node has one build.
 */
export function loadOrt(backend: 'webgpu' | 'wasm'): Promise<typeof Ort> {
  const kind = isBrowser ? backend : 'wasm';
  modules[kind] ??=
    kind === 'webgpu'
      ? import('onnxruntime-web')
      : isBrowser
        ? import('onnxruntime-web/wasm')
        : import('onnxruntime-web');
  return modules[kind]!;
}

// ORT reads these once, when its WASM module starts: the first setting wins.
function configureWasm(ort: typeof Ort, threads: number): number {
  if (!threadsOf.has(ort)) {
    ort.env.wasm.numThreads = threads;
    if (runtimeSettings.ortWasmPaths) ort.env.wasm.wasmPaths = runtimeSettings.ortWasmPaths;
    threadsOf.set(ort, threads);
  }
  return threadsOf.get(ort)!;
}

interface WebGpuProbe {
  /** Why WebGPU cannot be used here; undefined when an adapter exists. */
  unavailable?: string;
  /** The adapter is a software fallback (SwiftShader and the like), not a GPU. */
  software: boolean;
}

async function probeWebGpu(): Promise<WebGpuProbe> {
  type Adapter = { isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean } };
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } } | undefined)?.gpu;
  if (!gpu)
    return {
      unavailable: 'navigator.gpu is not available here (no WebGPU in this browser or context)',
      software: false,
    };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { unavailable: 'navigator.gpu.requestAdapter() returned null (no usable GPU adapter)', software: false };
    return { software: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter) };
  } catch (error) {
    return { unavailable: `navigator.gpu.requestAdapter() failed: ${String(error)}`, software: false };
  }
}

/** Why WebGPU cannot be used here, or undefined when an adapter exists. */
export async function webgpuUnavailableReason(): Promise<string | undefined> {
  return (await probeWebGpu()).unavailable;
}

/**
 * Why `'auto'` runs on WASM although a WebGPU adapter exists: a software adapter ran the
 * ViT-B/32-shaped model over 100× slower than the WASM backend (bench/RESULTS.md, model variants).
 */
export const SOFTWARE_ADAPTER_REASON =
  'the only WebGPU adapter is a software fallback (no GPU): CLIP runs over 100× faster on WASM';

/**
 * Threads for a model: the requested count where threads work here, else one; the default
 * where none is requested. With the reason.
 */
export function resolveThreads(requested: number | undefined): { threads: number; reason: string } {
  const support = threadSupport();
  if (requested === undefined) return support;
  if (requested === 1) return { threads: 1, reason: 'requested' };
  if (support.threads === 1 && isBrowser)
    return { threads: 1, reason: `${requested} requested, but ${support.reason}` };
  return { threads: requested, reason: 'requested' };
}

/** Picks the backend for a choice; WebGPU requested where it is unusable is an error. */
export async function chooseBackend(
  choice: BackendChoice,
  wanted: { threads: number; reason: string },
): Promise<BackendInfo> {
  const pick = async (name: 'webgpu' | 'wasm', reason: string): Promise<BackendInfo> => {
    const threads = configureWasm(await loadOrt(name), wanted.threads);
    if (name === 'webgpu') configureWasm(await loadOrt('wasm'), wanted.threads); // the canary's reference
    const threadsReason =
      threads === wanted.threads
        ? wanted.reason
        : `onnxruntime-web already runs with ${threads} thread${threads > 1 ? 's' : ''} here (the first model's setting holds)`;
    return { name, reason, threads, threadsReason };
  };
  if (choice === 'wasm') return pick('wasm', 'requested');
  const { unavailable, software } = await probeWebGpu();
  if (choice === 'webgpu') {
    if (unavailable) throw new ModelLoadError(`WebGPU was requested but ${unavailable}`);
    return pick('webgpu', 'requested');
  }
  if (unavailable) return pick('wasm', unavailable);
  return software ? pick('wasm', SOFTWARE_ADAPTER_REASON) : pick('webgpu', 'WebGPU adapter found');
}

// What a file that is not an ONNX model usually is, to say so plainly.
function notOnnxReason(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return 'is empty';
  let i = 0;
  while (
    i < bytes.length &&
    i < 64 &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++;
  if (bytes[i] === 0x3c) return 'is an HTML/XML page, not an ONNX model (a wrong URL, or an error or login page)';
  if (bytes[i] === 0x7b) return 'is JSON, not an ONNX model';
  if (bytes.length >= 7 && new TextDecoder().decode(bytes.subarray(0, 7)) === 'version') {
    return 'is a Git LFS pointer, not the model itself';
  }
  // An ONNX ModelProto starts with field 1 (ir_version, varint): byte 0x08.
  if (bytes[0] !== 0x08) return 'is not an ONNX model (it does not start like an ONNX protobuf)';
  return undefined;
}

/** The start of the message of the error that says WASM threads did not start (see below). */
export const THREADS_STALLED = 'WASM threads did not start';
const THREADS_START_TIMEOUT_MS = 10_000;

// An identity model of one float (69 bytes), to start onnxruntime-web's runtime on its own.
const PROBE_MODEL = 'CAg6OwoQCgF4EgF5IghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAN';
const runtimeStarted = new WeakMap<typeof Ort, Promise<void>>();

/**
 * Starts onnxruntime-web's WASM runtime with a tiny model first. With threads it can hang for
 * good (seen in Firefox after a reload, about every other time under load): past a limit that
 * does not depend on the model's size this throws an error starting with {@link THREADS_STALLED},
 * and a new Worker with one thread is the way out (ClipscopeWorker takes it by itself).
 */
function startRuntime(ort: typeof Ort): Promise<void> {
  let started = runtimeStarted.get(ort);
  if (!started) {
    const threads = threadsOf.get(ort) ?? 1;
    const probe = ort.InferenceSession.create(
      Uint8Array.from(atob(PROBE_MODEL), (c) => c.charCodeAt(0)),
      {
        executionProviders: ['wasm'],
      },
    ).then(
      (session) => session.release(),
      (error: unknown) => {
        throw new ModelLoadError(`onnxruntime-web's WASM runtime could not start: ${String(error)}`);
      },
    );
    started =
      threads > 1
        ? withinTime(probe, THREADS_START_TIMEOUT_MS, () => {
            throw new ModelLoadError(
              `${THREADS_STALLED} within ${THREADS_START_TIMEOUT_MS / 1000} s (onnxruntime-web with ${threads} threads); load with threads: 1`,
            );
          })
        : probe;
    runtimeStarted.set(ort, started);
  }
  return started;
}

/** An inference session over model bytes; clear errors for files that are not usable ONNX. */
export async function createSession(
  bytes: Uint8Array,
  file: string,
  backend: 'webgpu' | 'wasm',
): Promise<{ session: Ort.InferenceSession; ort: typeof Ort }> {
  const reason = notOnnxReason(bytes);
  if (reason) throw new ModelLoadError(`${file} ${reason}`);
  let ort: typeof Ort;
  try {
    ort = await loadOrt(backend);
  } catch (error) {
    throw new ModelLoadError(`onnxruntime-web (${backend}) could not be loaded: ${String(error)}`);
  }
  if (backend === 'wasm') await startRuntime(ort);
  try {
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
    return { session, ort };
  } catch (error) {
    throw new ModelLoadError(
      `${file} (${bytes.length} bytes) could not be loaded by onnxruntime-web (${backend}); it may be truncated ` +
        `or corrupt: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The two CLIP encoders. */
export type EncoderKind = 'vision' | 'text';

/** The input and output names a CLIP encoder must have. */
export const CLIP_INTERFACE = {
  vision: { inputs: ['pixel_values'], optionalInputs: [] as string[], output: 'image_embeds' },
  text: { inputs: ['input_ids'], optionalInputs: ['attention_mask'], output: 'text_embeds' },
} satisfies Record<EncoderKind, { inputs: string[]; optionalInputs: string[]; output: string }>;

/** Throws ModelInterfaceError unless the session has the CLIP interface of its kind. */
export function checkInterface(session: Ort.InferenceSession, kind: EncoderKind, file: string): void {
  const want = CLIP_INTERFACE[kind];
  const inputs = [...session.inputNames];
  const outputs = [...session.outputNames];
  const missingInput = want.inputs.find((name) => !inputs.includes(name));
  const extraInput = inputs.find((name) => !want.inputs.includes(name) && !want.optionalInputs.includes(name));
  if (missingInput || extraInput || !outputs.includes(want.output)) {
    const expected =
      kind === 'vision'
        ? 'input pixel_values and output image_embeds'
        : 'input input_ids (+ attention_mask) and output text_embeds';
    throw new ModelInterfaceError(
      `${file} has inputs [${inputs.join(', ')}] and outputs [${outputs.join(', ')}]; a CLIP ${kind} model needs ${expected}`,
    );
  }
}

// float16 bits to float32 (fp16 model outputs arrive as Uint16Array).
function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** An output tensor's values as float32, whatever its element type. */
export function outputFloats(tensor: Ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return Float32Array.from(tensor.data as Uint16Array, halfToFloat);
  throw new ModelInterfaceError(`model output is ${tensor.type}, expected float32 or float16`);
}

export type { Ort };
