// Owns the raw WebAssembly module: one memoised load, shared by every object of the package.
import createClipscopeCore from './clipscope-core.mjs';
import { LoadError } from '../common/errors.js';
import { readFileUrl } from '../common/node-only.js';
import type { RawModule } from './raw-module.js';

const wasmFileName = 'clipscope-core.wasm';

/** Package-wide settings. Set them before the first `init()`. */
export const env: {
  /**
   * Where `clipscope-core.wasm` lives, when it is self-hosted: a directory URL (ending in `/`)
   * or the file's full URL. By default it is resolved next to this module, which bundlers
   * (Vite, webpack) and Node understand.
   */
  wasmPaths?: string | URL;
} = {};

let loading: Promise<RawModule> | undefined;
let loaded: RawModule | undefined;

function wasmUrl(): URL {
  if (env.wasmPaths !== undefined) {
    const base = new URL(String(env.wasmPaths), globalThis.location?.href);
    return base.pathname.endsWith('.wasm') ? base : new URL(wasmFileName, base);
  }
  return new URL('./clipscope-core.wasm', import.meta.url);
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

async function load(): Promise<RawModule> {
  let url: URL;
  try {
    url = wasmUrl();
  } catch (error) {
    throw new LoadError(`env.wasmPaths is not a usable URL: ${String(error)}`);
  }
  // Emscripten's instantiateWasm hook has no failure callback: a failed fetch rejects this.
  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => (fail = reject));
  try {
    const module = (await Promise.race([
      createClipscopeCore({
        instantiateWasm(imports, done) {
          instantiate(url, imports).then((source) => done(source.instance, source.module), fail);
          return {};
        },
      }),
      failed,
    ])) as RawModule;
    loaded = module;
    return module;
  } catch (error) {
    throw new LoadError(`could not load ${url.href}: ${String(error)}`);
  }
}

/** The loaded core; throws when `init()` has not finished yet. */
export function core(): RawModule {
  if (!loaded) {
    throw new LoadError('the clipscope core is not loaded yet: await init() first');
  }
  return loaded;
}
