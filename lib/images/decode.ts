// Turning what a page or a script has (files, blobs, bitmaps, canvases, URLs, bytes) into
// 8-bit pixels for the preprocessor, with the same guards everywhere.
import { ClipscopeError, DecodeError, InvalidArgumentError } from '../common/errors.js';
import { jpegOrientation, readImageHeader, sniffImageFormat } from './image-header.js';
import { importNodeOnly, readFileUrl } from '../common/node-only.js';
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

function fail(message: string): never {
  throw new DecodeError(message);
}

function checkSize(width: number, height: number, maxPixels: number): void {
  if (!(width > 0 && height > 0)) fail(`image is empty (${width} x ${height})`);
  if (width * height > maxPixels) {
    fail(`image of ${width} x ${height} pixels is above the limit of ${maxPixels} pixels`);
  }
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

async function decodeBlobInBrowser(blob: Blob, maxPixels: number): Promise<RawImage> {
  const head = new Uint8Array(await blob.slice(0, 65536).arrayBuffer());
  if (head.length === 0) fail('file is empty');
  const header = readImageHeader(head);
  if (header) checkSize(header.width, header.height, maxPixels);
  if (header?.format === 'png') return decodePng(new Uint8Array(await blob.arrayBuffer()));
  let bitmap: ImageBitmap;
  try {
    // EXIF orientation applied; no color-space conversion or premultiplication, so the pixels
    // are the file's, as PIL reads them.
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (error) {
    // A format this browser decodes elsewhere is damaged; another format it may not decode at all.
    const format = sniffImageFormat(head);
    if (header) return fail(`not a decodable image (${header.format} data is corrupt or truncated): ${String(error)}`);
    if (format)
      return fail(
        `not a decodable image: this browser cannot decode ${format} images, or the file is damaged (${String(error)})`,
      );
    return fail(`not a decodable image: ${String(error)}`);
  }
  try {
    return await bitmapPixels(bitmap, maxPixels);
  } finally {
    bitmap.close();
  }
}

// Node: PNG with clipscope's decoder and JPEG with jpeg-js (pure JS, loaded only here),
// EXIF orientation applied as in transformers' load_image.
async function decodeBytesInNode(bytes: Uint8Array, maxPixels: number): Promise<RawImage> {
  if (bytes.length === 0) fail('file is empty');
  const header = readImageHeader(bytes);
  if (!header) {
    const format = sniffImageFormat(bytes);
    fail(
      format
        ? `${format} images cannot be decoded in Node; use PNG or JPEG`
        : 'not a PNG or JPEG image (unrecognised header)',
    );
  }
  checkSize(header.width, header.height, maxPixels);
  if (header.format === 'png') return decodePng(bytes);
  if (header.format === 'jpeg') {
    const jpeg = await importNodeOnly<typeof import('jpeg-js')>('jpeg-js');
    let decoded: { width: number; height: number; data: Uint8Array };
    try {
      decoded = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: Math.ceil(maxPixels / 1e6),
        maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 4) / 1e6)),
      });
    } catch (error) {
      return fail(`JPEG data is corrupt or truncated: ${String((error as Error).message ?? error)}`);
    }
    return orient(
      { data: decoded.data, width: decoded.width, height: decoded.height, channels: 3 },
      jpegOrientation(bytes),
    );
  }
  return fail(`${header.format} images are decoded in browsers only; in Node use PNG or JPEG`);
}

/** Applies an EXIF orientation (1..8) to pixels: what browsers and PIL's exif_transpose do. */
export function orient(image: RawImage, orientation: number): RawImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width: w, height: h, channels: c } = image;
  const stride = image.stride ?? w * c;
  const swap = orientation >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = new Uint8Array(ow * oh * c);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // source coordinates for each orientation (EXIF 2.3, Table 4)
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2:
          sx = w - 1 - x;
          sy = y;
          break;
        case 3:
          sx = w - 1 - x;
          sy = h - 1 - y;
          break;
        case 4:
          sx = x;
          sy = h - 1 - y;
          break;
        case 5:
          sx = y;
          sy = x;
          break;
        case 6:
          sx = y;
          sy = h - 1 - x;
          break;
        case 7:
          sx = w - 1 - y;
          sy = h - 1 - x;
          break;
        default:
          sx = w - 1 - y;
          sy = x;
          break; // 8
      }
      for (let k = 0; k < c; k++) out[(y * ow + x) * c + k] = image.data[sy * stride + sx * c + k];
    }
  }
  return { data: out, width: ow, height: oh, channels: c };
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
 * Decodes an image to 8-bit pixels. PNG files are decoded by clipscope everywhere (exact
 * pixels: canvas would premultiply alpha). In browsers and Workers other files (JPEG, WebP,
 * GIF, BMP) go through `createImageBitmap` (EXIF orientation applied, no color-space
 * conversion, no premultiplied alpha) and an OffscreenCanvas; ImageBitmap, ImageData, <img>
 * and canvases are read directly. Node: PNG and JPEG (jpeg-js, EXIF orientation applied)
 * from bytes, Blobs, file: URLs, paths and http(s) URLs.
 * Throws `DecodeError` for empty, truncated, corrupt, unsupported or too large images.
 */
export async function decodeImage(source: ImageSource, options: DecodeOptions = {}): Promise<RawImage> {
  try {
    return await decodeSource(source, options);
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

async function decodeSource(source: ImageSource, options: DecodeOptions): Promise<RawImage> {
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
    if (isBrowser) return decodeBlobInBrowser(source, maxPixels);
    return decodeBytesInNode(new Uint8Array(await source.arrayBuffer()), maxPixels);
  }
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes =
      source instanceof ArrayBuffer
        ? new Uint8Array(source)
        : new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    if (isBrowser) return decodeBlobInBrowser(new Blob([bytes as Uint8Array<ArrayBuffer>]), maxPixels);
    return decodeBytesInNode(bytes, maxPixels);
  }
  if (source instanceof URL || typeof source === 'string') {
    const base = typeof location !== 'undefined' ? location.href : `file://${process.cwd()}/`;
    const url = new URL(String(source), base);
    const bytes = await bytesOfUrl(url);
    if (isBrowser) return decodeBlobInBrowser(new Blob([bytes as Uint8Array<ArrayBuffer>]), maxPixels);
    return decodeBytesInNode(bytes, maxPixels);
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
