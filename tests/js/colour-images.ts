// Coloured test images for the meaningful colour model: a solid colour with a little
// deterministic noise, as RGB RawImages.
import type { RawImage } from '../../dist/advanced.js';
import { rng } from './helpers.js';

/** Groups the colour model separates; `word` is the text that should find them. */
export const COLOUR_GROUPS: Array<{ name: string; word?: string; rgb: [number, number, number] }> = [
  { name: 'red', word: 'red', rgb: [220, 30, 30] },
  { name: 'green', word: 'green', rgb: [30, 190, 40] },
  { name: 'blue', word: 'blue', rgb: [30, 40, 210] },
  { name: 'yellow', word: 'yellow', rgb: [230, 220, 40] },
  { name: 'dark', rgb: [25, 20, 30] },
];

export function colourImage(rgb: readonly number[], width: number, height: number, seed: number): RawImage {
  const next = rng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.max(0, Math.min(255, Math.round(rgb[i % 3] + (next() - 0.5) * 20)));
  }
  return { data, width, height, channels: 3 };
}
