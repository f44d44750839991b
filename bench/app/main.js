// The benchmark page: one library per page load (?lib=clipscope or ?lib=transformers), both
// embedding the same JPEGs with the same ViT-B/32-shaped ONNX file on onnxruntime-web's WASM
// backend with one thread. Each stage is timed: decode, preprocess, inference, postprocess.
// clipscope also takes ?dtype=fp32|fp16|quantized, ?backend=wasm|webgpu and ?threads=N (the
// model-variants benchmark).
const params = new URLSearchParams(location.search);
const modelBase = params.get('models'); // URL of the folder holding the model folder
const modelName = params.get('model');
const batchSize = Number(params.get('batch') ?? 8);

// Photo-like JPEGs (gradients, shapes, noise), the same bytes for every library and run.
async function makePhotos(count, width, height) {
  const photos = [];
  for (let i = 0; i < count; i++) {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    const gradient = ctx.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, `hsl(${(i * 47) % 360} 70% 50%)`);
    gradient.addColorStop(1, `hsl(${(i * 47 + 140) % 360} 60% 30%)`);
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, width, height);
    for (let s = 0; s < 12; s++) {
      ctx.fillStyle = `hsl(${(i * 31 + s * 53) % 360} 80% ${30 + ((s * 7) % 50)}%)`;
      ctx.beginPath();
      ctx.arc((s * 97 + i * 13) % width, (s * 61 + i * 29) % height, 20 + ((s * 17) % 80), 0, Math.PI * 2);
      ctx.fill();
    }
    const noise = ctx.getImageData(0, 0, width, height);
    let state = i + 1;
    for (let p = 0; p < noise.data.length; p += 4) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const n = ((state >>> 24) - 128) / 16;
      noise.data[p] += n;
      noise.data[p + 1] += n;
      noise.data[p + 2] += n;
    }
    ctx.putImageData(noise, 0, 0);
    photos.push(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
  }
  return photos;
}

const now = () => performance.now();

async function clipscopeRunner() {
  const { ClipModel } = await import('clipscope/advanced');
  const model = await ClipModel.load(`${modelBase}${modelName}/`, {
    encoders: ['vision'],
    dtype: params.get('dtype') ?? 'fp32',
    backend: params.get('backend') ?? 'wasm',
    threads: Number(params.get('threads') ?? 1),
    cache: false,
  });
  return async (photos) => {
    const result = await model.embedImages(photos, { batchSize });
    return {
      timings: result.timings,
      first: Array.from(result.embeddings.subarray(0, 4)),
      backend: model.backend,
      file: model.files.vision,
    };
  };
}

async function transformersRunner() {
  const { env, AutoProcessor, CLIPVisionModelWithProjection, RawImage } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelBase;
  env.useBrowserCache = false;
  env.backends.onnx.wasm.numThreads = 1;
  env.backends.onnx.wasm.wasmPaths = params.get('ortWasm');
  const processor = await AutoProcessor.from_pretrained(modelName);
  const model = await CLIPVisionModelWithProjection.from_pretrained(modelName, { dtype: 'fp32', device: 'wasm' });
  return async (photos) => {
    const timings = { decode: 0, preprocess: 0, inference: 0, postprocess: 0 };
    let first;
    for (let from = 0; from < photos.length; from += batchSize) {
      let t = now();
      const images = await Promise.all(photos.slice(from, from + batchSize).map((blob) => RawImage.fromBlob(blob)));
      timings.decode += now() - t;
      t = now();
      const inputs = await processor(images);
      timings.preprocess += now() - t;
      t = now();
      const { image_embeds } = await model(inputs);
      timings.inference += now() - t;
      t = now();
      const normalized = image_embeds.normalize(2, -1);
      first ??= Array.from(normalized.data.subarray(0, 4));
      timings.postprocess += now() - t;
    }
    return { timings, first };
  };
}

window.bench = async ({ count, width, height, runs }) => {
  const photos = await makePhotos(count, width, height);
  const run = params.get('lib') === 'transformers' ? await transformersRunner() : await clipscopeRunner();
  await run(photos.slice(0, batchSize)); // warm-up: first-run allocations and JIT
  const results = [];
  for (let r = 0; r < runs; r++) {
    const start = now();
    const { timings, first, backend, file } = await run(photos);
    results.push({ seconds: (now() - start) / 1000, timings, first, backend, file });
  }
  return results;
};
document.getElementById('status').textContent = 'ready';
