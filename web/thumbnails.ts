// Small JPEG thumbnails, made once per photo when it is added (the browser decodes off the
// main thread); the grid, results, clusters and map all show these.
const SIZE = 192;

export async function makeThumbnail(image: Blob): Promise<Blob> {
  const probe = await createImageBitmap(image);
  const scale = SIZE / Math.min(probe.width, probe.height);
  const width = Math.max(1, Math.round(probe.width * Math.min(1, scale)));
  const height = Math.max(1, Math.round(probe.height * Math.min(1, scale)));
  probe.close();
  const bitmap = await createImageBitmap(image, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}
