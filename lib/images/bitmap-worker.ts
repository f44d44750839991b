// The decoding Worker (bitmap-decoder.ts): createImageBitmap here, off the thread that asked.
// A browser decodes a Blob only while the asking thread is free to read it, and inference
// blocks that thread; here the decoding goes on meanwhile. Each reply is the bitmap,
// transferred, or the error's text.
import { BITMAP_OPTIONS, type BitmapReply, type BitmapRequest } from './bitmap-options.js';

self.addEventListener('message', (event: MessageEvent<BitmapRequest>) => {
  const { id, blob } = event.data;
  createImageBitmap(blob, BITMAP_OPTIONS).then(
    (bitmap) => self.postMessage({ id, bitmap } satisfies BitmapReply, { transfer: [bitmap] }),
    (error: unknown) => self.postMessage({ id, error: String(error) } satisfies BitmapReply),
  );
});
