// A PNG decoder that gives the file's exact pixels in browsers and Node alike (canvas
// premultiplies alpha, which changes the colour of transparent pixels): chunks checked by
// CRC, zlib inflated by the platform (DecompressionStream; in Node the package's addon, else
// Node's zlib), filters undone, Adam7 de-interlaced. Pixels come out as PIL's convert("RGB")
// sees them.
import { DecodeError } from '../common/errors.js';
import { importNodeOnly } from '../common/node-only.js';
import type { RawImage } from './raw-image.js';
import { crc32 } from './crc32.js';
import { unfilterInPlace } from './png-unfilter.js';

function fail(message: string): never {
  throw new DecodeError(`PNG data is corrupt or truncated: ${message}`);
}

const tooMuch = (expected: number) =>
  `image data inflates past the ${expected} bytes its header implies (corrupt, or a decompression bomb)`;

type NodeZlib = typeof import('node:zlib');
let nodeZlib: Promise<NodeZlib | undefined> | undefined;

// Node's zlib: its inflate is twice as fast as DecompressionStream, its CRC four times the JS one.
function loadNodeZlib(): Promise<NodeZlib | undefined> {
  const inNode = typeof process !== 'undefined' && !!process.versions?.node;
  nodeZlib ??= inNode ? importNodeOnly<NodeZlib>('node:zlib').catch(() => undefined) : Promise.resolve(undefined);
  return nodeZlib;
}

/**
 * Node's addon (node-addon.ts): a zlib stream in parts inflated to at most `expected + 1` bytes,
 * read where the parts are, into memory of its own (no joining, no new pages).
 */
export type PartsInflater = (parts: readonly Uint8Array[], expected: number) => Promise<Uint8Array>;

// Inflates at most `expected` bytes (what the header's size implies): a stream that would give
// more is refused as soon as it does, so a small file cannot expand to gigabytes.
async function inflate(
  idat: Uint8Array[],
  expected: number,
  zlib: NodeZlib | undefined,
  inflater: PartsInflater | undefined,
): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    if (inflater) {
      out = await inflater(idat, expected);
    } else if (zlib) {
      const data = joined(idat);
      try {
        // One output chunk of the expected size: no growing and joining of 16 KB pieces.
        const options = { maxOutputLength: expected + 1, chunkSize: Math.min(Math.max(64, expected + 1), 1 << 28) };
        const inflated = zlib.inflateSync(data, options);
        out = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length); // a view, not a copy
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return fail(tooMuch(expected));
        throw error;
      }
    } else {
      out = await inflateStream(joined(idat), expected);
    }
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    return fail('image data does not inflate (truncated or corrupt)');
  }
  if (out.length > expected) fail(tooMuch(expected));
  if (out.length < expected) fail(`image data is truncated: ${out.length} of ${expected} bytes`);
  return out;
}

async function inflateStream(data: Uint8Array, expected: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const out = new Uint8Array(expected);
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out.subarray(0, length);
    if (length + value.length > expected) {
      await reader.cancel().catch(() => undefined);
      return fail(tooMuch(expected));
    }
    out.set(value, length);
    length += value.length;
  }
}

/** Adam7 passes (x0, y0, dx, dy); without interlacing one pass over everything. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
];

// Bytes of filtered scanlines the image data must inflate to: one filter byte per row.
function inflatedSize(width: number, height: number, bitsPerPixel: number, interlace: number): number {
  let total = 0;
  for (const [x0, y0, dx, dy] of interlace ? ADAM7 : [[0, 0, 1, 1]]) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw > 0 && ph > 0) total += ph * (1 + Math.ceil((pw * bitsPerPixel) / 8));
  }
  return total;
}

/** The largest width or height decoded (the core's limit). */
export const MAX_PNG_SIDE = 65535;

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
}

const samplesPerPixel: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

// One raw sample (pixel x, sample s) of a row, as PIL's 8-bit value.
function sampleReader(h: Header): (row: Uint8Array, x: number, s: number) => number {
  const spp = samplesPerPixel[h.colorType];
  if (h.depth === 8) return (row, x, s) => row[x * spp + s];
  if (h.depth === 16) {
    // PIL keeps the high byte of 16-bit colour; 16-bit gray becomes I;16 and clips at 255.
    if (h.colorType === 0) return (row, x) => Math.min(255, (row[x * 2] << 8) | row[x * 2 + 1]);
    return (row, x, s) => row[(x * spp + s) * 2];
  }
  // 1, 2, 4 bits: packed from the high bits; gray is scaled to 0..255, palette indices are not.
  const perByte = 8 / h.depth;
  const mask = (1 << h.depth) - 1;
  const scale = h.colorType === 0 ? 255 / mask : 1;
  return (row, x) => ((row[Math.floor(x / perByte)] >> ((perByte - 1 - (x % perByte)) * h.depth)) & mask) * scale;
}

function joined(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const all = new Uint8Array(parts.reduce((n, d) => n + d.length, 0));
  parts.reduce((offset, d) => (all.set(d, offset), offset + d.length), 0);
  return all;
}

/**
 * Decodes PNG bytes. Gray (with or without alpha) gives 1 channel, RGB and palette 3, RGBA 4.
 * `inflater`: Node's addon, where it loads.
 */
export async function decodePng(bytes: Uint8Array, inflater?: PartsInflater): Promise<RawImage> {
  if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x50 || bytes[2] !== 0x4e || bytes[3] !== 0x47)
    fail('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zlib = await loadNodeZlib();
  const checksum = zlib?.crc32 ?? crc32; // zlib.crc32 from Node 20.15
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let at = 8;
  let ended = false;
  while (!ended) {
    if (at + 12 > bytes.length) fail('file ends before its IEND chunk (truncated)');
    const length = view.getUint32(at);
    if (at + 12 + length > bytes.length) fail('a chunk runs past the end of the file (truncated)');
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    if (checksum(typeAndData) !== view.getUint32(at + 8 + length)) fail('a chunk fails its CRC check (corrupt)');
    const type = String.fromCharCode(...typeAndData.subarray(0, 4));
    const data = typeAndData.subarray(4);
    if (type === 'IHDR') {
      const d = new DataView(data.buffer, data.byteOffset, data.byteLength);
      header = {
        width: d.getUint32(0),
        height: d.getUint32(4),
        depth: data[8],
        colorType: data[9],
        interlace: data[12],
      };
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') ended = true;
    at += 12 + length;
  }
  if (!header) fail('no IHDR chunk');
  const { width, height, depth, colorType, interlace } = header;
  const spp = samplesPerPixel[colorType];
  if (spp === undefined || ![1, 2, 4, 8, 16].includes(depth))
    fail(`unsupported color type ${colorType} / bit depth ${depth}`);
  if (colorType === 3 && !palette) fail('palette image without a PLTE chunk');
  if (!(width > 0 && height > 0)) fail(`image is empty (${width} x ${height})`);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE)
    fail(`image of ${width} x ${height} pixels has a side above ${MAX_PNG_SIDE}`);
  if (interlace > 1) fail(`unknown interlace method ${interlace}`);
  const data = await inflate(idat, inflatedSize(width, height, spp * depth, interlace), zlib, inflater);

  const channels = colorType === 6 ? 4 : colorType === 2 || colorType === 3 ? 3 : 1;
  const bpp = Math.max(1, (spp * depth) >> 3);
  if (depth === 8 && !interlace && (colorType === 0 || colorType === 2 || colorType === 6)) {
    // The common case: unfiltered rows are the pixels.
    const { pixels } = unfilterInPlace(data, 0, width * channels, height, bpp);
    return { data: pixels, width, height, channels };
  }
  const out = new Uint8Array(width * height * channels);
  const read = sampleReader(header);
  // Adam7: seven sub-images (x0, y0, dx, dy); no interlace: one pass over everything.
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1]];
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx);
    const ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * spp * depth) / 8);
    const { pixels: rows, next } = unfilterInPlace(data, offset, rowBytes, ph, bpp);
    offset = next;
    for (let y = 0; y < ph; y++) {
      const row = rows.subarray(y * rowBytes, (y + 1) * rowBytes);
      const base = (y0 + y * dy) * width;
      for (let x = 0; x < pw; x++) {
        const o = (base + x0 + x * dx) * channels;
        if (colorType === 3) {
          const index = read(row, x, 0);
          if (index * 3 + 2 >= palette!.length) fail(`palette index ${index} is out of range`);
          out[o] = palette![index * 3];
          out[o + 1] = palette![index * 3 + 1];
          out[o + 2] = palette![index * 3 + 2];
        } else {
          for (let c = 0; c < channels; c++) out[o + c] = read(row, x, c);
        }
      }
    }
  }
  return { data: out, width, height, channels };
}
