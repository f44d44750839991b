// A test page bundled by Vite like any app: it exposes the package for the browser tests to
// drive (the model runs in clipscope's Worker or on the page).
import * as main from 'clipscope';
import * as advanced from 'clipscope/advanced';
import { core } from '../../../dist/wasm/core.js';
import { runHostileBattery } from '../../hostile/battery.js';

// Solid-colour PNGs with a little noise, made with the page's own canvas.
async function colourPng(rgb: number[], width: number, height: number, seed: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(width, height);
  let state = seed >>> 0;
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < 3; c++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      image.data[i * 4 + c] = Math.max(0, Math.min(255, rgb[c] + ((state >>> 24) / 255 - 0.5) * 20));
    }
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

const clipscope = { ...main, ...advanced };

// The hostile-input battery with the browser's own deflate and the repository's CLIP vocabulary.
async function runHostile() {
  const deflate = async (data: Uint8Array) =>
    new Uint8Array(
      await new Response(
        new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate')),
      ).arrayBuffer(),
    );
  const merges = await clipscope.gunzipText(
    await (await fetch('/models/clip-bpe/bpe_simple_vocab_16e6.txt.gz')).arrayBuffer(),
  );
  await clipscope.init();
  return runHostileBattery(clipscope, core() as never, deflate, merges);
}

Object.assign(window, { clipscope, colourPng, runHostile });
document.getElementById('status')!.textContent = 'ready';
