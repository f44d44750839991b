// HEIC/HEIF decoding, the same in browsers, Workers and Node: libheif (libheif-js's WebAssembly
// build, with libde265 for HEVC), loaded only when a HEIC/HEIF file is met. libheif applies the
// file's transformations (rotation, mirror, crop) as the format defines; the pixel limit is
// checked on the size the file declares, before any pixel is decoded.
import type { LibHeif } from 'libheif-js/libheif-wasm/libheif-bundle.mjs';
import { checkSize, fail } from './decode-checks.js';
import type { RawImage } from './raw-image.js';

let libheif: Promise<LibHeif> | undefined;

function loadLibheif(): Promise<LibHeif> {
  libheif ??= import('libheif-js/libheif-wasm/libheif-bundle.mjs').then(({ default: start }) => start());
  return libheif.catch((error: unknown) => {
    libheif = undefined; // a later file may try again (a network hiccup loading the chunk)
    return fail(`the HEIC decoder (libheif-js) could not be loaded: ${String(error)}`);
  });
}

/** The primary image of a HEIC/HEIF file as RGBA, transformations applied. */
export async function decodeHeif(bytes: Uint8Array, maxPixels: number, format: string): Promise<RawImage> {
  const heif = await loadLibheif();
  let images: ReturnType<InstanceType<LibHeif['HeifDecoder']>['decode']>;
  try {
    images = new heif.HeifDecoder().decode(bytes);
  } catch (error) {
    return fail(`${format} data is corrupt or truncated: ${String(error)}`);
  }
  try {
    if (images.length === 0)
      fail(`${format} file holds no image libheif can read (corrupt, or an unsupported variant)`);
    const image = images.find((candidate) => candidate.is_primary()) ?? images[0];
    const width = image.get_width();
    const height = image.get_height();
    checkSize(width, height, maxPixels);
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const decoded = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) => image.display(target, resolve));
    if (!decoded) fail(`${format} image could not be decoded (corrupt, or a variant libheif does not support)`);
    return { data: new Uint8Array(decoded.data.buffer), width, height, channels: 4 };
  } finally {
    for (const image of images) image.free();
  }
}

/** Whether a sniffed format name is one {@link decodeHeif} reads. */
export const isHeifFormat = (format: string | undefined): boolean => format === 'HEIC' || format === 'HEIF';
