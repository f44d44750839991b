// JPEG decoding in Node through the package's addon over the system's libjpeg-turbo
// (addons/jpeg_turbo_decode.c): Pillow's library with Pillow's settings, so Pillow's pixels,
// decoded on libuv's threads. Where the addon does not load (another platform, no
// libjpeg.so.62), node-decode.ts uses sharp instead.
import { importNodeOnly } from '../common/node-only.js';

export interface JpegTurboAddon {
  /**
   * RGB pixels (grayscale repeated), or CMYK as stored for channels 4, of an image of the
   * header's size; rejects with libjpeg's message for a corrupt or truncated file.
   */
  decode(jpeg: Uint8Array, width: number, height: number, channels: 3 | 4, maxScans: number): Promise<Uint8Array>;
}

/** Which JPEG decoder Node uses, and why not the addon when it does not load. */
export interface NodeJpegDecoder {
  name: 'libjpeg-turbo' | 'sharp';
  reason: string;
}

/**
 * A progressive JPEG may repeat scans to be slow to decode; real ones have about ten. Past
 * this many the file is refused (libjpeg-turbo's own tools offer the same limit).
 */
export const MAX_JPEG_SCANS = 500;

let addon: Promise<{ addon?: JpegTurboAddon; reason: string }> | undefined;

function loadAddon(): Promise<{ addon?: JpegTurboAddon; reason: string }> {
  addon ??= (async () => {
    try {
      const { createRequire } = await importNodeOnly<typeof import('node:module')>('node:module');
      // A specifier bundlers cannot follow: the addon only exists next to the package in Node.
      const path = ['..', 'native', 'jpeg-turbo.node'].join('/');
      const loaded = createRequire(import.meta.url)(path) as JpegTurboAddon;
      return { addon: loaded, reason: 'the package addon over the system libjpeg-turbo (Pillow’s library)' };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { reason: `the libjpeg-turbo addon did not load (${message})` };
    }
  })();
  return addon;
}

/** The JPEG decoder Node uses: the addon where it loads, else sharp. */
export async function nodeJpegDecoder(): Promise<NodeJpegDecoder> {
  const { addon: loaded, reason } = await loadAddon();
  return loaded ? { name: 'libjpeg-turbo', reason } : { name: 'sharp', reason };
}

/** The addon, or undefined where it does not load. */
export async function jpegTurbo(): Promise<JpegTurboAddon | undefined> {
  return (await loadAddon()).addon;
}
