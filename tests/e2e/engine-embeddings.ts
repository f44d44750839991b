// The same image files embedded in a browser engine and in Node: the page decodes each file with
// the browser's decoder (HEIC with libheif, loaded on demand), Node embeds Pillow's pixels of it
// (heif-convert's for HEIC), both with one WASM thread. Shared by
// the test (the small test model) and the measurement with the ViT-B/32-shaped model (bench/).
import { ClipModel } from '../../dist/advanced.js';
import { readNamedArrays } from '../js/named-arrays.js';
import type { EnginePage } from './engines/index.js';

export const EMBEDDED_FIXTURES = [
  'lossless.png',
  'photo-420.jpg',
  'photo-422.jpg',
  'photo-444.jpg',
  'photo-progressive.jpg',
  'photo-gray.jpg',
  'heic-444-rotated.heic',
];

/** Embeddings of the fixtures on the page (model at `modelUrl`, served with the fixtures). */
export function embedInPage(page: EnginePage, modelUrl: string, dtype: string): Promise<number[][]> {
  return page.evaluate(
    async ({ modelUrl, files, dtype }) => {
      const { clipscope } = window as any;
      const model = await clipscope.ClipModel.load(modelUrl, {
        backend: 'wasm',
        threads: 1,
        dtype,
        cache: false,
        encoders: ['vision'],
      });
      const out: number[][] = [];
      for (const file of files) {
        const blob = await (await fetch(`/build/reference/formats/${file}`)).blob();
        out.push(Array.from((await model.embedImage(blob)) as Float32Array));
      }
      await model.delete();
      // The Worker decodes HEIC too (its own libheif, loaded there on demand).
      const worker = await clipscope.ClipscopeWorker.create({ model: modelUrl, backend: 'wasm', threads: 1, dtype });
      const heic = await (await fetch('/build/reference/formats/heic-444-rotated.heic')).blob();
      out.push(Array.from((await worker.embedImages([heic])).embeddings as Float32Array));
      await worker.delete();
      return out;
    },
    { modelUrl, files: EMBEDDED_FIXTURES, dtype },
  );
}

/** Embeddings in Node of Pillow's pixels of the same fixtures. */
export async function embedPillowPixelsInNode(modelFolder: string, dtype: string): Promise<Float32Array[]> {
  const model = await ClipModel.load(modelFolder, {
    backend: 'wasm',
    threads: 1,
    dtype: dtype as 'fp32',
    encoders: ['vision'],
  });
  const out: Float32Array[] = [];
  for (const file of EMBEDDED_FIXTURES) {
    const { pixels } = readNamedArrays(`formats/${file}.arrays`);
    const [height, width] = pixels.shape;
    out.push(await model.embedImage({ data: pixels.values as Uint8Array, width, height, channels: 3 }));
  }
  await model.delete();
  return out;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}
