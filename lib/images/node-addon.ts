// The package's Node addon (addons/): JPEG decoding with the system's libjpeg-turbo and PNG
// inflation with its zlib, the libraries Pillow calls (JPEG with Pillow's settings, so Pillow's
// pixels), on libuv's threads, into memory of its own. Where it does not load (another
// platform, no libjpeg.so.62), node-decode.ts uses sharp for JPEG and Node's zlib for PNG.
import { importNodeOnly } from '../common/node-only.js';

export interface NodeAddon {
  /**
   * RGB pixels (grayscale repeated), or CMYK as stored for channels 4, of an image of the
   * header's size; rejects with libjpeg's message for a corrupt or truncated file. With
   * threads 2, a large image decoded while no other is gets a second thread for its lower rows.
   */
  decodeJpeg(
    jpeg: Uint8Array,
    width: number,
    height: number,
    channels: 3 | 4,
    maxScans: number,
    threads: 1 | 2,
  ): Promise<Uint8Array>;
  /**
   * A zlib stream given in parts, inflated: at most `expected + 1` bytes (more is cut there);
   * rejects for data that is not a whole zlib stream.
   */
  inflateZlib(parts: readonly Uint8Array[], expected: number): Promise<Uint8Array>;
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

let addon: Promise<{ addon?: NodeAddon; reason: string }> | undefined;

function loadAddon(): Promise<{ addon?: NodeAddon; reason: string }> {
  addon ??= (async () => {
    try {
      const { createRequire } = await importNodeOnly<typeof import('node:module')>('node:module');
      // A specifier bundlers cannot follow: the addon only exists next to the package in Node.
      const path = ['..', 'native', 'clipscope-node.node'].join('/');
      const loaded = createRequire(import.meta.url)(path) as NodeAddon;
      return { addon: loaded, reason: 'the package addon over the system libjpeg-turbo (Pillow’s library)' };
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return { reason: `the package's addon did not load (${message})` };
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
export async function nodeAddon(): Promise<NodeAddon | undefined> {
  return (await loadAddon()).addon;
}
