// A PNG's image data as Node inflates it (the package's addon, zlib reading the IDAT chunks
// where they are): a stream split over many chunks, one that ends early, one cut short, one
// that gives more than the header implies and one followed by other bytes each give the pixels
// or the error that Node's own zlib gives.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../dist/advanced.js';
import { nodeAddon } from '../../dist/images/node-addon.js';
import { PNG_SIGNATURE, pngChunk } from './png-chunks.js';

const WIDTH = 7;
const HEIGHT = 5;
// Gray rows, each with filter byte 0 (None): the inflated data is the pixels with a 0 per row.
const rows = Buffer.alloc(HEIGHT * (WIDTH + 1));
for (let y = 0; y < HEIGHT; y++) for (let x = 0; x < WIDTH; x++) rows[y * (WIDTH + 1) + 1 + x] = 30 * y + x;
const gray = Uint8Array.from({ length: WIDTH * HEIGHT }, (_, i) => 30 * Math.floor(i / WIDTH) + (i % WIDTH));

// A gray PNG whose IDAT chunks hold `stream`, `size` bytes each.
function png(stream: Uint8Array, size = stream.length): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(WIDTH, 0);
  ihdr.writeUInt32BE(HEIGHT, 4);
  ihdr[8] = 8;
  const idat: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) idat.push(pngChunk('IDAT', stream.subarray(at, at + size)));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...idat, pngChunk('IEND', new Uint8Array())]);
}

const refused = (message: string) => `PNG data is corrupt or truncated: ${message}`;

describe("PNG image data in Node: the addon's zlib", () => {
  it('is the inflater Node uses', async () => {
    expect(await nodeAddon()).toHaveProperty('inflateZlib');
  });

  it('reads a stream split over one-byte IDAT chunks', async () => {
    const image = await decodeImage(png(deflateSync(rows), 1));
    expect([image.width, image.height, image.channels]).toEqual([WIDTH, HEIGHT, 1]);
    expect(image.data).toEqual(gray);
  });

  it('ignores bytes after the end of the stream, as Node does', async () => {
    expect((await decodeImage(png(Buffer.concat([deflateSync(rows), Buffer.from('more')]), 3))).data).toEqual(gray);
  });

  it('refuses a stream that ends early, saying how much it gave', async () => {
    await expect(decodeImage(png(deflateSync(rows.subarray(0, 30)), 4))).rejects.toThrow(
      refused(`image data is truncated: 30 of ${rows.length} bytes`),
    );
  });

  it('refuses a stream cut short', async () => {
    const stream = deflateSync(rows);
    await expect(decodeImage(png(stream.subarray(0, stream.length - 6), 5))).rejects.toThrow(
      refused('image data does not inflate (truncated or corrupt)'),
    );
  });

  it('refuses a stream that gives more than the header implies, stopping there', async () => {
    const bomb = deflateSync(Buffer.alloc(50_000_000));
    await expect(decodeImage(png(bomb, 1000))).rejects.toThrow(
      refused(
        `image data inflates past the ${rows.length} bytes its header implies (corrupt, or a decompression bomb)`,
      ),
    );
  });
});
