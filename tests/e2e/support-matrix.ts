// The README's browser support matrix, computed from what the engine-support test measures:
// the test fails when a row of the README no longer matches a run.
import type { Capabilities } from '../../dist/index.js';

export interface Measured {
  /** Capabilities on a plain page, a cross-origin-isolated page and in a Worker. */
  page: Capabilities;
  isolated: Capabilities;
  worker: Capabilities;
  /** Formats decoded to Pillow's pixels exactly, and those the engine cannot decode. */
  exact: string[];
  undecodable: string[];
  /** JPEG variants decoded to Pillow's pixels exactly. */
  jpegExact: string[];
}

export const JPEG_VARIANTS = ['4:2:0', '4:2:2', '4:4:4', 'progressive', 'grayscale', 'restart markers', 'CMYK'];

/** The checked cells of an engine's row, after its name and the version tested. */
export function matrixCells(m: Measured): string[] {
  const threads = m.isolated.threads.available ? 'yes' : `no: ${m.isolated.threads.detail}`;
  const webgpu = m.page.webgpu.available
    ? 'yes, after the canary check'
    : /requestAdapter\(\) returned null/.test(m.page.webgpu.detail)
      ? 'no adapter here → WASM'
      : 'no navigator.gpu → WASM';
  const decoding = m.page.imageDecoding.available && m.worker.imageDecoding.available ? 'page and Worker' : 'page only';
  const pixels = m.page.videoFrameCopy.available ? 'VideoFrame.copyTo' : 'canvas (VideoFrame copy unusable)';
  const formats = `${m.exact.join(', ')}${m.undecodable.length ? `; not ${m.undecodable.join(', ')}` : ''}`;
  const jpeg = m.jpegExact.length === JPEG_VARIANTS.length ? 'identical' : `identical for ${m.jpegExact.join(', ')}`;
  const storage = m.page.opfs.available ? 'OPFS, IndexedDB' : 'IndexedDB (no OPFS)';
  const cache = m.page.modelCache.available ? 'Cache Storage' : 'none';
  return [threads, webgpu, decoding, pixels, formats, jpeg, storage, cache];
}

/** The cells of the README row that starts with `| name |`. */
export function readmeRow(readme: string, name: string): string[] | undefined {
  const line = readme.split('\n').find((row) => row.startsWith(`| ${name} |`));
  return line
    ?.split('|')
    .slice(1, -1)
    .map((cell) => cell.trim());
}
