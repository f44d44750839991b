// Choosing and loading the CLIP model. A new model loads beside the current one, which stays in
// use until the new one is ready: a model that fails to load leaves the page with the one it had.
import { ClipscopeWorker, DEFAULT_MODEL_URL } from 'clipscope';
import { loadIndex } from '../collection-store.js';
import { defaultModelReachable } from '../default-model.js';
import type { ModelKey, Store } from '../store.js';
import { $, describe, pickerButton, say } from '../ui.js';

const TEST_MODEL_URL = new URL('models/clip-test/', location.href).href;

// `?approximateAbove=N` moves the collection to the approximate index above N photos (the
// package's default otherwise): a large collection's behaviour, seen with a few photos.
function approximateAbove(): number | undefined {
  const given = new URLSearchParams(location.search).get('approximateAbove');
  return given === null || !/^\d+$/.test(given) ? undefined : Number(given);
}

export class ModelView {
  readonly #store: Store;
  readonly #beforeSwap: () => Promise<void>;

  /** `beforeSwap` stops work that belongs to the engine being replaced. */
  constructor(store: Store, beforeSwap: () => Promise<void>) {
    this.#store = store;
    this.#beforeSwap = beforeSwap;
    $('load-model').addEventListener('click', () => void this.load(this.#chosen()));
    pickerButton($<HTMLButtonElement>('pick-model-files'), $<HTMLInputElement>('model-files'));
    $('model-files').addEventListener('change', () => {
      this.#radio('files').checked = true;
      const count = $<HTMLInputElement>('model-files').files?.length ?? 0;
      say($('model-files-status'), count ? `${count} files chosen` : '');
    });
  }

  #radio(key: ModelKey): HTMLInputElement {
    return document.querySelector<HTMLInputElement>(`input[name="model"][value="${key}"]`)!;
  }

  #chosen(): ModelKey {
    return (document.querySelector<HTMLInputElement>('input[name="model"]:checked')?.value ?? 'default') as ModelKey;
  }

  #source(key: ModelKey): { model: string | FileList; dtype: 'quantized' | 'fp32' } {
    if (key === 'test') return { model: TEST_MODEL_URL, dtype: 'fp32' };
    if (key === 'files') {
      const files = $<HTMLInputElement>('model-files').files;
      if (!files?.length)
        throw new Error('choose the folder that holds the model files (onnx/, tokenizer.json, …) first');
      return { model: files, dtype: 'quantized' };
    }
    return { model: DEFAULT_MODEL_URL, dtype: 'quantized' };
  }

  /** At start: reload the collection's model, or say the default one cannot be had now. */
  async start(): Promise<void> {
    const { photos, savedModelKey } = this.#store.state;
    const last = localStorage.getItem('clipscope-demo-model');
    if (photos.size && savedModelKey && savedModelKey !== 'files' && last === savedModelKey) {
      this.#radio(savedModelKey as ModelKey).checked = true;
      await this.load(savedModelKey as ModelKey);
    } else if (!(await defaultModelReachable())) {
      this.#radio('test').checked = true;
      say(
        $('model-status'),
        'The CLIP model cannot be downloaded now (offline, or the Hugging Face hub is unreachable) and is not cached: the bundled test model is selected.',
      );
    }
  }

  async load(key: ModelKey): Promise<void> {
    const status = $('model-status');
    const progress = $<HTMLProgressElement>('model-progress');
    $<HTMLButtonElement>('load-model').disabled = true;
    let next: ClipscopeWorker | undefined;
    const { engine, modelKey } = this.#store.state;
    try {
      const source = this.#source(key);
      say(status, 'Loading the model…');
      progress.hidden = false;
      next = await ClipscopeWorker.create({
        ...source,
        backend: 'auto',
        approximateAbove: approximateAbove(),
        onProgress: ({ file, loaded, total, fromCache }) => {
          if (total) progress.value = loaded / total;
          say(
            status,
            fromCache
              ? `${file}: from the offline cache`
              : `Downloading ${file}: ${(loaded / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`,
          );
        },
      });
      await this.#beforeSwap();
      this.#store.set({ engine: next, modelKey: key, clusters: undefined });
      await engine?.delete();
      localStorage.setItem('clipscope-demo-model', key);
      const { name, reason, threads, threadsReason } = next.backend;
      // One thread is worth explaining: the page could be faster where threads work.
      say(
        $('backend'),
        `Running on ${name === 'webgpu' ? 'WebGPU' : `WebAssembly (${threads} thread${threads > 1 ? 's' : ''})`}: ${reason}.` +
          (threads === 1 ? ` One thread: ${threadsReason}.` : ''),
      );
      say(status, `Model ready (${next.files.vision ?? ''}, ${next.dim}-dimensional embeddings).`);
      await this.#restoreEmbeddings();
    } catch (error) {
      if (next && next !== this.#store.state.engine) await next.delete();
      const hint =
        key === 'default'
          ? ' The default model could not be reached: pick the model files from disk, or use the bundled test model.'
          : '';
      const still = engine && modelKey ? ` Still using the ${modelKey} model.` : '';
      say(status, `Could not load the model: ${describe(error)}.${hint}${still}`, true);
    } finally {
      progress.hidden = true;
      $<HTMLButtonElement>('load-model').disabled = false;
    }
  }

  // The embeddings saved with the collection are only meaningful for the model that made them.
  async #restoreEmbeddings(): Promise<void> {
    const saved = await loadIndex();
    this.#store.set({ savedModelKey: saved?.modelKey });
    const { engine, modelKey } = this.#store.state;
    if (!saved || !engine) return;
    if (saved.modelKey !== modelKey) {
      say(
        $('model-status'),
        `Your collection was embedded with the ${saved.modelKey} model; load that model to search it, or Clear to start again.`,
        true,
      );
      return;
    }
    await engine.load(saved.bytes);
    // The engine now holds them: views that report on its index read it again.
    this.#store.set({ savedModelKey: saved.modelKey });
  }
}
