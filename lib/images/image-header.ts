// Image dimensions from the first bytes of a file, before anything is decoded: a 100-byte
// file that claims 100000 × 100000 pixels is refused without allocating its pixels.

/** What an image file's header says, read before decoding. */
export interface ImageHeader {
  format: 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp';
  width: number;
  height: number;
  /** JPEG only: colour components in the frame (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK). */
  components?: number;
}

function u16be(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}
function u32be(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}
function u16le(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
function u32le(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function jpegSize(b: Uint8Array): { width: number; height: number; components: number } | undefined {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const length = u16be(b, at + 2);
    // SOF0..SOF15 carry the size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: u16be(b, at + 5), width: u16be(b, at + 7), components: b[at + 9] };
    }
    at += 2 + length;
  }
  return undefined;
}

const ISO_BRANDS: Record<string, string> = {
  avif: 'AVIF',
  avis: 'AVIF',
  heic: 'HEIC',
  heix: 'HEIC',
  heim: 'HEIC',
  heis: 'HEIC',
  hevc: 'HEIC',
  mif1: 'HEIF',
  msf1: 'HEIF',
};

/**
 * The name of an image format from its first bytes (more formats than {@link readImageHeader}
 * reads sizes of), to say which format a browser could not decode; undefined if unknown. Pass
 * the header when it was read already.
 */
export function sniffImageFormat(b: Uint8Array, header = readImageHeader(b)): string | undefined {
  if (header) return header.format === 'jpeg' ? 'JPEG' : header.format.toUpperCase().replace('WEBP', 'WebP');
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (b.length >= 4 && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || ascii(0, 4) === 'MM\0*'))
    return 'TIFF';
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return ISO_BRANDS[ascii(8, 12)] ?? 'HEIF';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x0a) return 'JPEG XL';
  if (b.length >= 12 && ascii(4, 8) === 'JXL ') return 'JPEG XL';
  if (b.length >= 4 && ascii(0, 4) === '8BPS') return 'PSD';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return 'ICO';
  return undefined;
}

/** The format and size of PNG, JPEG, GIF, WebP or BMP bytes; undefined for anything else. */
export function readImageHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length >= 24 && u32be(b, 0) === 0x89504e47 && u32be(b, 12) === 0x49484452) {
    return { format: 'png', width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    const size = jpegSize(b);
    return size && { format: 'jpeg', ...size };
  }
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) {
    return { format: 'gif', width: u16le(b, 6), height: u16le(b, 8) };
  }
  if (b.length >= 30 && u32be(b, 0) === 0x52494646 && u32be(b, 8) === 0x57454250) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (chunk === 'VP8 ') return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = u32le(b, 21);
      return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    if (chunk === 'VP8X') {
      return {
        format: 'webp',
        width: (b[24] | (b[25] << 8) | (b[26] << 16)) + 1,
        height: (b[27] | (b[28] << 8) | (b[29] << 16)) + 1,
      };
    }
  }
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) {
    return { format: 'bmp', width: Math.abs(u32le(b, 18) | 0), height: Math.abs(u32le(b, 22) | 0) };
  }
  return undefined;
}

/** The EXIF orientation (1..8) of JPEG bytes; 1 when there is none. */
export function jpegOrientation(b: Uint8Array): number {
  let at = 2;
  while (at + 4 < b.length && b[at] === 0xff) {
    const marker = b[at + 1];
    const length = u16be(b, at + 2);
    if (marker === 0xda) break; // start of scan: no more metadata
    if (marker === 0xe1 && u32be(b, at + 4) === 0x45786966) {
      const tiff = at + 10;
      const little = b[tiff] === 0x49;
      const u16 = (p: number) => (little ? u16le(b, p) : u16be(b, p));
      const u32 = (p: number) => (little ? u32le(b, p) : u32be(b, p));
      const ifd = tiff + u32(tiff + 4);
      const entries = ifd + 2 <= b.length ? u16(ifd) : 0;
      for (let i = 0; i < entries; i++) {
        const entry = ifd + 2 + i * 12;
        if (entry + 12 > b.length) break;
        if (u16(entry) === 0x0112) {
          const value = u16(entry + 8);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
    }
    at += 2 + length;
  }
  return 1;
}
