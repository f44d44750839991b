// An ImageBitmap's RGBA pixels. WebCodecs' VideoFrame.copyTo reads them about twice as fast as
// drawing to a canvas and reading it back, with the same bytes, and without the canvas's
// premultiplied-alpha round trip. Browsers whose copyTo ignores the format option would hand
// back BGRA silently, so the conversion is checked once on a known pixel first.

let rgbaCopySupported: Promise<boolean> | undefined;

async function checkRgbaCopy(): Promise<boolean> {
  try {
    const probe = await createImageBitmap(new ImageData(new Uint8ClampedArray([255, 0, 10, 255]), 1, 1));
    const frame = new VideoFrame(probe, { timestamp: 0 });
    const pixel = new Uint8Array(4);
    await frame.copyTo(pixel, { format: 'RGBA' } as VideoFrameCopyToOptions);
    frame.close();
    probe.close();
    return pixel[0] === 255 && pixel[1] === 0 && pixel[2] === 10;
  } catch {
    return false;
  }
}

/** Whether VideoFrame.copyTo converts to RGBA here (checked once on a known pixel). */
export async function rgbaCopyWorks(): Promise<boolean> {
  if (typeof VideoFrame === 'undefined') return false;
  rgbaCopySupported ??= checkRgbaCopy();
  return rgbaCopySupported;
}

/** RGBA bytes (width × height × 4) of a bitmap via VideoFrame, or undefined where unsupported. */
export async function copyBitmapRgba(bitmap: ImageBitmap): Promise<Uint8Array | undefined> {
  if (!(await rgbaCopyWorks())) return undefined;
  const { width, height } = bitmap;
  const frame = new VideoFrame(bitmap, { timestamp: 0 });
  try {
    const pixels = new Uint8Array(width * height * 4);
    const [plane] = await frame.copyTo(pixels, { format: 'RGBA' } as VideoFrameCopyToOptions);
    return plane.offset === 0 && plane.stride === width * 4 ? pixels : undefined;
  } catch {
    return undefined; // e.g. a bitmap format this browser cannot convert: the canvas path reads it
  } finally {
    frame.close();
  }
}
