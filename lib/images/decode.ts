// Turning what a page or a script has (files, blobs, bitmaps, canvases, URLs, bytes) into
// 8-bit pixels for the preprocessor, with the same guards everywhere.
import { ClipscopeError, DecodeError, InvalidArgumentError } from '../common/errors.js';
import { readImageHeader, sniffImageFormat } from './image-header.js';
import { readFileUrl } from '../common/node-only.js';
import { checkSize, fail } from './decode-checks.js';
import { decodeBytesInNode } from './node-decode.js';
import { decodeHeif, isHeifFormat } from './heif.js';
export { orient } from './orient.js';
import { decodeBitmap } from './bitmap-decoder.js';
import { copyBitmapRgba } from './bitmap-pixels.js';
import { decodePng } from './png.js';
import { DEFAULT_MAX_PIXELS } from './preprocess.js';
import type { RawImage } from './raw-image.js';

/** Anything decodeImage accepts. */
export type ImageSource =
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | ImageBitmap
  | ImageData
  | HTMLImageElement
  | HTMLCanvasElement
  | OffscreenCanvas
  | URL
  | string
  | RawImage;

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Refuse images with more pixels, before decoding them. Default 50 megapixels. */
  maxPixels?: number;
}

const isBrowser =
  typeof document !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

function isRawImage(source: unknown): source is RawImage {
  return typeof source === 'object' && source !== null && 'data' in source && 'channels' in source;
}

// A bitmap's pixels: through VideoFrame where it converts to RGBA, else through a canvas.
async function bitmapPixels(bitmap: ImageBitmap, maxPixels: number): Promise<RawImage> {
  checkSize(bitmap.width, bitmap.height, maxPixels);
  const rgba = await copyBitmapRgba(bitmap);
  if (rgba) return { data: rgba, width: bitmap.width, height: bitmap.height, channels: 4 };
  return drawablePixels(bitmap, bitmap.width, bitmap.height, maxPixels);
}

// Pixels of a drawable (bitmap, image, canvas) through an OffscreenCanvas: usable in Workers.
function drawablePixels(source: CanvasImageSource, width: number, height: number, maxPixels: number): RawImage {
  checkSize(width, height, maxPixels);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | null;
  if (!context) fail('no 2d canvas context to read pixels with');
  context.drawImage(source, 0, 0);
  const { data } = context.getImageData(0, 0, width, height);
  return { data, width, height, channels: 4 };
}

// Called once an image's decoding runs off this thread (or is done): see startDecode.
type HandOff = () => void;

async function decodeBlobInBrowser(blob: Blob, maxPixels: number, handOff?: HandOff): Promise<RawImage> {
  const head = new Uint8Array(await blob.slice(0, 65536).arrayBuffer());
  if (head.length === 0) fail('file is empty');
  const header = readImageHeader(head);
  if (header) checkSize(header.width, header.height, maxPixels);
  if (header?.format === 'png') return decodePng(new Uint8Array(await blob.arrayBuffer()));
  // HEIC through libheif in every browser, so every engine gives the same pixels (most cannot
  // decode it at all).
  const sniffed = sniffImageFormat(head, header);
  if (isHeifFormat(sniffed)) return decodeHeif(new Uint8Array(await blob.arrayBuffer()), maxPixels, sniffed!);
  let bitmap: ImageBitmap;
  try {
    // In clipscope's decoding Worker where one starts: it goes on while this thread is blocked.
    const decoding = decodeBitmap(blob);
    handOff?.();
    bitmap = await decoding;
  } catch (error) {
    if (error instanceof DecodeError) throw error; // clipscope's own words (a decode that never ended)
    // A format this browser decodes elsewhere is damaged; another format it may not decode at all.
    if (header) return fail(`not a decodable image (${header.format} data is corrupt or truncated): ${String(error)}`);
    if (sniffed)
      return fail(
        `not a decodable image: this browser cannot decode ${sniffed} images, or the file is damaged (${String(error)})`,
      );
    return fail(`not a decodable image: ${String(error)}`);
  }
  try {
    return await bitmapPixels(bitmap, maxPixels);
  } finally {
    bitmap.close();
  }
}

async function bytesOfUrl(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    return readFileUrl(url);
  }
  const response = await fetch(url);
  if (!response.ok) fail(`HTTP ${response.status} for ${url.href}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Decodes an image to 8-bit pixels. In browsers and Workers PNG files are decoded by clipscope
 * (exact pixels: canvas would premultiply alpha) and other files (JPEG, WebP, AVIF, GIF, BMP)
 * go through `createImageBitmap` (EXIF orientation applied, no color-space conversion, no
 * premultiplied alpha), in clipscope's decoding Worker where the page allows one (so files
 * decode while the calling thread runs inference), and VideoFrame or an OffscreenCanvas;
 * ImageBitmap, ImageData, <img> and canvases are read directly. HEIC/HEIF everywhere through
 * libheif (loaded when one is met). Node: PNG by clipscope; JPEG by the package's addon
 * (libjpeg-turbo: Pillow's JPEG pixels), or where it does not load by the optional dependency
 * `sharp`, as are WebP, GIF, AVIF and TIFF; EXIF orientation applied, from bytes, Blobs, file:
 * URLs, paths and http(s) URLs.
 * Throws `DecodeError` for empty, truncated, corrupt, unsupported or too large images.
 */
export async function decodeImage(source: ImageSource, options: DecodeOptions = {}): Promise<RawImage> {
  return decodeNamingTheSource(source, options);
}

/**
 * decodeImage, and `handedOff`: settles once the decoding runs on the browser's (or libuv's)
 * own threads, or is done. A caller about to block its thread (inference) waits for it first,
 * so the decoding overlaps the block instead of starting after it.
 */
export function startDecode(
  source: ImageSource,
  options: DecodeOptions = {},
): { image: Promise<RawImage>; handedOff: Promise<void> } {
  let handOff!: HandOff;
  const handedOff = new Promise<void>((resolve) => (handOff = resolve));
  const image = decodeNamingTheSource(source, options, handOff);
  image.then(handOff, handOff);
  return { image, handedOff };
}

async function decodeNamingTheSource(source: ImageSource, options: DecodeOptions, handOff?: HandOff) {
  try {
    return await decodeSource(source, options, handOff);
  } catch (error) {
    // A file or URL names itself in the error, so a failure in a batch says which one.
    const name =
      typeof File !== 'undefined' && source instanceof File
        ? source.name
        : source instanceof URL || typeof source === 'string'
          ? String(source)
          : '';
    if (name && error instanceof DecodeError) throw new DecodeError(`${name}: ${error.message}`);
    throw error;
  }
}

async function decodeSource(source: ImageSource, options: DecodeOptions, handOff?: HandOff): Promise<RawImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (isRawImage(source)) {
    checkSize(source.width, source.height, maxPixels);
    return source;
  }
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    checkSize(source.width, source.height, maxPixels);
    return { data: source.data, width: source.width, height: source.height, channels: 4 };
  }
  if (typeof ImageBitmap !== 'undefined' && source instanceof ImageBitmap) {
    return bitmapPixels(source, maxPixels);
  }
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    await source.decode().catch((error: unknown) => fail(`<img> could not be decoded: ${String(error)}`));
    return drawablePixels(source, source.naturalWidth, source.naturalHeight, maxPixels);
  }
  if (
    (typeof HTMLCanvasElement !== 'undefined' && source instanceof HTMLCanvasElement) ||
    (typeof OffscreenCanvas !== 'undefined' && source instanceof OffscreenCanvas)
  ) {
    return drawablePixels(source, source.width, source.height, maxPixels);
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    if (isBrowser) return decodeBlobInBrowser(source, maxPixels, handOff);
    return decodeBytesInNode(new Uint8Array(await source.arrayBuffer()), maxPixels, handOff);
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes =
      source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (isBrowser) return decodeBlobInBrowser(new Blob([bytes as Uint8Array<ArrayBuffer>]), maxPixels, handOff);
    return decodeBytesInNode(bytes, maxPixels, handOff);
  }
  if (source instanceof URL || typeof source === 'string') {
    const base = typeof location !== 'undefined' ? location.href : `file://${process.cwd()}/`;
    const url = new URL(String(source), base);
    const bytes = await bytesOfUrl(url);
    if (isBrowser) return decodeBlobInBrowser(new Blob([bytes as Uint8Array<ArrayBuffer>]), maxPixels, handOff);
    return decodeBytesInNode(bytes, maxPixels, handOff);
  }
  throw new InvalidArgumentError('decodeImage: unsupported source type');
}

/** The outcome of decoding several images: the ones that decoded, and why the others did not. */
export interface DecodedImages {
  /** Decoded images with the input index of each. */
  images: Array<{ index: number; image: RawImage }>;
  failures: Array<{ index: number; error: ClipscopeError }>;
}

/**
 * Decodes many images one after another (so only one full-size image is held at a time
 * besides the results); a failure is recorded for its index and the rest go on.
 */
export async function decodeImages(
  sources: Iterable<ImageSource>,
  options: DecodeOptions = {},
): Promise<DecodedImages> {
  const out: DecodedImages = { images: [], failures: [] };
  let index = 0;
  for (const source of sources) {
    try {
      out.images.push({ index, image: await decodeImage(source, options) });
    } catch (error) {
      const wrapped = error instanceof ClipscopeError ? error : new DecodeError(String(error));
      out.failures.push({ index, error: wrapped });
    }
    index++;
  }
  return out;
}
