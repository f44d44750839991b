// Owns the raw WebAssembly module: one memoised load, shared by every object of the package.
import createClipscopeCore from './clipscope-core.mjs';
import { LoadError } from '../common/errors.js';
import { readFileUrl } from '../common/node-only.js';
import type { RawModule } from './raw-module.js';
import { startThreadPool, type ThreadPool } from './thread-pool.js';
import { coreThreadPlan, MAX_CORE_THREADS, type CoreThreads } from './thread-support.js';

const wasmFileName = 'clipscope-core.wasm';
const threadsWasmFileName = 'clipscope-core-threads.wasm';

/** Package-wide settings. Set them before the first `init()`. */
export const env: {
  /**
   * Where `clipscope-core.wasm` lives, when it is self-hosted: a directory URL (ending in `/`)
   * or the file's full URL. By default it is resolved next to this module, which bundlers
   * (Vite, webpack) and Node understand.
   */
  wasmPaths?: string | URL;
  /**
   * Threads for the core's parallel work (batched search, k-means, near-duplicates, building
   * the approximate index): an integer from 1 to 64. By default every core up to 8 where threads work (Node;
   * a Worker of a cross-origin isolated page), else 1. Results are the same bit for bit on any
   * number of threads. Where the threaded build (`clipscope-core-threads.wasm`) cannot be
   * loaded, the single-thread one is, and {@link coreThreads} says why. In Node, a large JPEG
   * decoded while no other is takes two threads, unless this is 1.
   */
  threads?: number;
} = {};

let loading: Promise<RawModule> | undefined;
let loaded: RawModule | undefined;
let loadedMemory: WebAssembly.Memory | undefined;
let loadedThreads: CoreThreads = { count: 1, detail: 'the core is not loaded yet' };
let pool: ThreadPool | undefined;

// The .wasm of either build. A full file URL in env.wasmPaths names one build: the other is
// not looked for (the threaded one is then not used).
function wasmUrl(threads: boolean): URL | undefined {
  if (env.wasmPaths !== undefined) {
    const base = new URL(String(env.wasmPaths), globalThis.location?.href);
    if (base.pathname.endsWith('.wasm')) return threads ? undefined : base;
    return new URL(threads ? threadsWasmFileName : wasmFileName, base);
  }
  // Literal URLs, which bundlers find and copy.
  return threads
    ? new URL('./clipscope-core-threads.wasm', import.meta.url)
    : new URL('./clipscope-core.wasm', import.meta.url);
}

function checkedThreads(): number | undefined {
  const t = env.threads;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > MAX_CORE_THREADS)
    throw new LoadError(`env.threads must be an integer from 1 to ${MAX_CORE_THREADS}, not ${String(t)}`);
  return t;
}

// The .wasm is always fetched here, never by Emscripten's glue, so one glue file works in
// browsers, workers and Node (where the glue's own loader would need __dirname).
async function instantiate(url: URL, imports: WebAssembly.Imports): Promise<WebAssembly.WebAssemblyInstantiatedSource> {
  if (url.protocol === 'file:') {
    return WebAssembly.instantiate(await readFileUrl(url), imports);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status} for ${url.href}`);
  if (response.headers.get('Content-Type')?.startsWith('application/wasm')) {
    return WebAssembly.instantiateStreaming(response, imports);
  }
  return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}

/**
 * Loads the WebAssembly core once; later calls return the same promise. Every other entry
 * point that needs the core awaits this, so calling it yourself only chooses when the
 * download happens.
 */
export function init(): Promise<void> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined; // a later call may retry, e.g. after fixing env.wasmPaths
    throw error;
  });
  return loading.then(() => undefined);
}

type Factory = typeof createClipscopeCore;

function findMemory(values: unknown[]): WebAssembly.Memory | undefined {
  return values.find((v): v is WebAssembly.Memory => v instanceof WebAssembly.Memory);
}

async function createCore(factory: Factory, url: URL): Promise<{ raw: RawModule; module: WebAssembly.Module }> {
  // Emscripten's instantiateWasm hook has no failure callback: a failed fetch rejects this.
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  let module: WebAssembly.Module | undefined;
  try {
    const raw = (await Promise.race([
      factory({
        instantiateWasm(imports, done) {
          instantiate(url, imports).then((source) => {
            module = source.module;
            // The shared-memory build imports its memory; the other exports it (names minified).
            loadedMemory = findMemory([
              ...Object.values(imports).flatMap((m) => Object.values(m)),
              ...Object.values(source.instance.exports),
            ]);
            done(source.instance, source.module);
          }, fail);
          return {};
        },
      }),
      failed,
    ])) as RawModule;
    return { raw, module: module! };
  } catch (error) {
    throw new LoadError(`could not load ${url.href}: ${String(error)}`);
  }
}

async function load(): Promise<RawModule> {
  let plan: { threads: number; detail: string };
  let url: URL | undefined;
  try {
    plan = await coreThreadPlan(checkedThreads());
    url = plan.threads > 1 ? wasmUrl(true) : undefined;
    if (plan.threads > 1 && !url) plan = { threads: 1, detail: 'env.wasmPaths names one .wasm file: one thread' };
    url ??= wasmUrl(false)!;
  } catch (error) {
    if (error instanceof LoadError) throw error;
    throw new LoadError(`env.wasmPaths is not a usable URL: ${String(error)}`);
  }
  if (plan.threads === 1) {
    const { raw } = await createCore(createClipscopeCore, url);
    loadedThreads = { count: 1, detail: plan.detail };
    return (loaded = raw);
  }
  // A threaded build that cannot be loaded (a self-hosted folder with only the other file, say)
  // leaves the single-thread build, and the reason.
  let threaded: { raw: RawModule; module: WebAssembly.Module };
  try {
    const factory = ((await import('./clipscope-core-threads.mjs')) as { default: Factory }).default;
    threaded = await createCore(factory, url);
  } catch (error) {
    const { raw } = await createCore(createClipscopeCore, wasmUrl(false)!);
    loadedThreads = { count: 1, detail: `the threaded build did not load (${String(error)}): one thread` };
    return (loaded = raw);
  }
  const { raw, module } = threaded;
  try {
    pool = await startThreadPool(
      raw as unknown as Parameters<typeof startThreadPool>[0],
      module,
      loadedMemory!,
      plan.threads,
    );
    raw.useThreads(plan.threads);
    loadedThreads = { count: plan.threads, detail: plan.detail };
  } catch (error) {
    loadedThreads = { count: 1, detail: `the helper threads could not start (${String(error)}): one thread` };
  }
  return (loaded = raw);
}

/** How many threads the loaded core runs its parallel work on, and why. Needs `init()`. */
export function coreThreads(): CoreThreads {
  core();
  return { ...loadedThreads };
}

/** Shares of parallel work that helper threads have run (0 without a pool). Internal. */
export function helperSharesRun(): number {
  return pool?.helperShares() ?? 0;
}

/** Bytes of WASM memory the core has now (it only grows). Needs `init()`. */
export function wasmMemoryBytes(): number {
  core();
  return loadedMemory!.buffer.byteLength;
}

/** The loaded core; throws when `init()` has not finished yet. */
export function core(): RawModule {
  if (!loaded) {
    throw new LoadError('the clipscope core is not loaded yet: await init() first');
  }
  return loaded;
}
