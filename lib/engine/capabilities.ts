// What this browser context can do for clipscope, each feature with what is used instead where it
// is missing: found by feature detection only (never the browser's name), for apps to show or log
// and for the support matrix in the README, which the browser tests measure in every engine.
import { webgpuUnavailableReason, threadSupport } from '../model/onnx-runtime.js';
import { opfsMissing } from '../persistence/persistence.js';
import { rgbaCopyWorks } from '../images/bitmap-pixels.js';

/** One feature: whether it is here, and what that means for clipscope. */
export interface Capability {
  available: boolean;
  detail: string;
}

export interface Capabilities {
  /** WebGPU for the encoders; else WASM runs them. */
  webgpu: Capability;
  /** WASM threads for the encoders; else one thread. */
  threads: Capability & { count: number };
  /** Image decoding by the browser in this context (createImageBitmap + OffscreenCanvas). */
  imageDecoding: Capability;
  /** VideoFrame's RGBA copy, the faster way to read decoded pixels; else an OffscreenCanvas. */
  videoFrameCopy: Capability;
  /** Cache Storage, which keeps model files for offline use; else they are downloaded each time. */
  modelCache: Capability;
  /** OPFS for saveIndexLocally; else IndexedDB. */
  opfs: Capability;
  /** IndexedDB, for saveIndexToIndexedDB and saveIndexLocally. */
  indexedDB: Capability;
}

async function cacheStorage(): Promise<Capability> {
  if (typeof caches === 'undefined')
    return { available: false, detail: 'no Cache Storage here: model files are downloaded on every load' };
  try {
    await caches.has('clipscope-probe');
    return { available: true, detail: 'model files are kept for offline use' };
  } catch (error) {
    return { available: false, detail: `Cache Storage refuses this origin (${String(error)}): no offline model cache` };
  }
}

/** Detects each feature in the calling context (a page or a Worker). */
export async function capabilities(): Promise<Capabilities> {
  const gpu = await webgpuUnavailableReason();
  const threads = threadSupport();
  const decoding = typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
  const copy = decoding && (await rgbaCopyWorks());
  const opfs = opfsMissing();
  const idb = typeof indexedDB !== 'undefined';
  return {
    webgpu: gpu
      ? { available: false, detail: `${gpu}: the encoders run on WASM` }
      : { available: true, detail: 'a WebGPU adapter is available (used after the canary check)' },
    threads: { available: threads.threads > 1, count: threads.threads, detail: threads.reason },
    imageDecoding: decoding
      ? { available: true, detail: 'createImageBitmap and OffscreenCanvas decode images here' }
      : {
          available: false,
          detail:
            'no createImageBitmap/OffscreenCanvas here: clipscope decodes PNG and JPEG itself; other formats need decoded pixels (RawImage)',
        },
    videoFrameCopy: copy
      ? { available: true, detail: 'decoded pixels are read with VideoFrame.copyTo' }
      : {
          available: false,
          detail:
            typeof VideoFrame === 'undefined'
              ? 'no VideoFrame here: decoded pixels are read through an OffscreenCanvas'
              : 'VideoFrame.copyTo does not convert to RGBA here: decoded pixels are read through an OffscreenCanvas',
        },
    modelCache: await cacheStorage(),
    opfs: opfs
      ? { available: false, detail: `${opfs}: saveIndexLocally uses IndexedDB` }
      : { available: true, detail: 'saveIndexLocally writes OPFS files' },
    indexedDB: idb
      ? { available: true, detail: 'indexes can be stored in IndexedDB' }
      : { available: false, detail: 'no IndexedDB here' },
  };
}
