// Whether the default (hub) model can be used now: cached from an earlier visit, or the hub
// answers. Offline and not cached, the page preselects the bundled model instead.
import { DEFAULT_MODEL_URL, MODEL_CACHE_NAME } from 'clipscope';

const PROBE_TIMEOUT_MS = 5000;

async function defaultModelCached(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  try {
    const cache = await caches.open(MODEL_CACHE_NAME);
    return Boolean(await cache.match(new URL('onnx/vision_model_quantized.onnx', DEFAULT_MODEL_URL).href));
  } catch {
    return false;
  }
}

export async function defaultModelReachable(): Promise<boolean> {
  if (await defaultModelCached()) return true;
  try {
    const response = await fetch(new URL('config.json', DEFAULT_MODEL_URL), {
      method: 'HEAD',
      mode: 'cors',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}
