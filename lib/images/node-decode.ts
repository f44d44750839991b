// Decoding in Node. PNG with clipscope's own decoder (Pillow's pixels, channels as stored,
// inflation bounded by the header, precise errors); JPEG with the package's libjpeg-turbo addon
// (node-addon.ts: Pillow's library and settings); WebP, GIF (first frame), AVIF and TIFF, and
// JPEG where the addon does not load, through sharp (libvips; its JPEG decoder is mozjpeg,
// libjpeg-turbo's decoding code as Pillow's is: the same pixels), an optional dependency loaded
// only here. EXIF orientation is applied to JPEGs as in transformers' load_image.
import { jpegOrientation, readImageHeader, sniffImageFormat, type ImageHeader } from './image-header.js';
import { importNodeOnly } from '../common/node-only.js';
import { checkSize, fail } from './decode-checks.js';
import { MAX_JPEG_SCANS, nodeAddon } from './node-addon.js';
import { decodePng } from './png.js';
import { decodeHeif, isHeifFormat } from './heif.js';
import { orient } from './orient.js';
import { env } from '../wasm/core.js';
import type { RawImage } from './raw-image.js';

type Sharp = typeof import('sharp').default;
let sharpModule: Promise<Sharp | undefined> | undefined;

function loadSharp(): Promise<Sharp | undefined> {
  sharpModule ??= importNodeOnly<{ default: Sharp }>('sharp').then(
    ({ default: sharp }) => {
      sharp.cache(false); // decoded images are used once: keep no copies
      return sharp;
    },
    () => undefined,
  );
  return sharpModule;
}

/** handOff: called once sharp decodes on its own threads (see startDecode). */
export async function decodeBytesInNode(bytes: Uint8Array, maxPixels: number, handOff?: () => void): Promise<RawImage> {
  if (bytes.length === 0) fail('file is empty');
  const header = readImageHeader(bytes);
  const format = sniffImageFormat(bytes, header);
  if (header) checkSize(header.width, header.height, maxPixels);
  if (header?.format === 'png') return decodePng(bytes, (await nodeAddon())?.inflateZlib);
  if (!format) fail('not a decodable image (unrecognised header)');
  if (isHeifFormat(format)) return decodeHeif(bytes, maxPixels, format);
  if (format === 'BMP' || format === 'PSD' || format === 'ICO' || format === 'JPEG XL')
    fail(`${format} images cannot be decoded in Node; use JPEG, PNG, WebP, GIF, AVIF, HEIC or TIFF`);
  if (header?.format === 'jpeg') {
    const decoded = await decodeJpegWithAddon(bytes, header, handOff);
    if (decoded) return orient(decoded, jpegOrientation(bytes));
  }
  return decodeWithSharp(bytes, format, header, maxPixels, handOff);
}

// Undefined where the addon does not load, or for a JPEG of neither 1, 3 nor 4 components.
async function decodeJpegWithAddon(
  bytes: Uint8Array,
  header: ImageHeader,
  handOff?: () => void,
): Promise<RawImage | undefined> {
  const components = header.components ?? 0;
  const addon = components === 1 || components === 3 || components === 4 ? await nodeAddon() : undefined;
  if (!addon) return undefined;
  const cmyk = components === 4;
  let pixels: Uint8Array;
  try {
    const threads = env.threads === 1 ? 1 : 2;
    const decoding = addon.decodeJpeg(bytes, header.width, header.height, cmyk ? 4 : 3, MAX_JPEG_SCANS, threads);
    handOff?.();
    pixels = await decoding;
  } catch (error) {
    return fail(`JPEG data is corrupt or truncated: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    // Pillow reads every 4-component JPEG as inverted CMYK (Adobe's convention).
    data: cmyk ? cmykToRgbAsPillow(pixels, header.width * header.height, true) : pixels,
    width: header.width,
    height: header.height,
    channels: 3,
  };
}

/** sharp's decode of anything but PNG and HEIF; exported for the tests of its JPEG path. */
export async function decodeWithSharp(
  bytes: Uint8Array,
  format: string,
  header: ImageHeader | undefined,
  maxPixels: number,
  handOff?: () => void,
): Promise<RawImage> {
  const sharp = await loadSharp();
  if (!sharp) fail(`${format} images in Node need the optional dependency sharp (npm install sharp)`);
  // CMYK JPEGs become RGB as Pillow makes them (a plain inversion, no colour profile), so the
  // pixels match Python pipelines; sharp would convert through a CMYK profile.
  const cmyk = header?.format === 'jpeg' && header.components === 4;
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    // The pixel limit holds for formats whose size the header check did not read (AVIF, TIFF).
    const pipeline = sharp(bytes, { limitInputPixels: maxPixels, sequentialRead: true, autoOrient: false });
    const decoding = (
      cmyk ? pipeline.pipelineColourspace('cmyk').toColourspace('cmyk') : pipeline.removeAlpha().toColourspace('srgb')
    )
      .raw()
      .toBuffer({ resolveWithObject: true });
    handOff?.();
    decoded = await decoding;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/pixel limit/i.test(message)) fail(`${format} image is above the limit of ${maxPixels} pixels`);
    return fail(`${format} data is corrupt or truncated: ${message}`);
  }
  const { data, info } = decoded;
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const image: RawImage = {
    data: cmyk ? cmykToRgbAsPillow(pixels, info.width * info.height) : pixels,
    width: info.width,
    height: info.height,
    channels: (cmyk ? 3 : info.channels) as 3,
  };
  return header?.format === 'jpeg' ? orient(image, jpegOrientation(bytes)) : image;
}

// Pillow's cmyk2rgb (Convert.c): each channel is (255 - k) - c·(255 - k)/255, rounded as
// its MULDIV255 rounds. `inverted`: the samples are stored as 255 minus their value.
function cmykToRgbAsPillow(cmyk: Uint8Array, pixels: number, inverted = false): Uint8Array {
  const rgb = new Uint8Array(pixels * 3);
  const flip = inverted ? 255 : 0;
  for (let p = 0; p < pixels; p++) {
    const nk = 255 - (flip ^ cmyk[p * 4 + 3]);
    for (let c = 0; c < 3; c++) {
      const t = (flip ^ cmyk[p * 4 + c]) * nk + 128;
      rgb[p * 3 + c] = nk - (((t >> 8) + t) >> 8);
    }
  }
  return rgb;
}
