// What the page and the decoding Worker agree on: the bitmap options and the messages.

/** EXIF orientation applied; no color-space conversion or premultiplication, so the pixels
 * are the file's, as PIL reads them. */
export const BITMAP_OPTIONS: ImageBitmapOptions = {
  imageOrientation: 'from-image',
  colorSpaceConversion: 'none',
  premultiplyAlpha: 'none',
};

export interface BitmapRequest {
  id: number;
  blob: Blob;
}

export type BitmapReply = { id: number; bitmap: ImageBitmap } | { id: number; error: string };
