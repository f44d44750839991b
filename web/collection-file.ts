// Export and import of a whole collection as one file: thumbnails, ids and the embeddings
// (clipscope's versioned index format), with the model they belong to. Import also reads a bare
// index file, as `clipscope index <folder>` writes: its photos get name tiles for thumbnails.
import { EmbeddingIndex } from 'clipscope';
import type { PhotoRecord, SavedIndex } from './collection-store.js';

const FORMAT = 'clipscope-collection';
const VERSION = 1;

interface CollectionFile {
  format: typeof FORMAT;
  version: number;
  modelKey: string;
  photos: Array<{ id: string; name: string; thumb: string }>;
  index: string;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// A plain loop into a buffer of the right size: Uint8Array.from with a callback took seconds
// and hundreds of megabytes for a large collection's index.
function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function dataUrlToBlob(url: string): Blob {
  const [head, data] = url.split(',', 2);
  const type = /^data:([^;]+)/.exec(head)?.[1] ?? 'application/octet-stream';
  return new Blob([fromBase64(data) as Uint8Array<ArrayBuffer>], { type });
}

async function blobToDataUrl(blob: Blob): Promise<string> {
  return `data:${blob.type};base64,${toBase64(new Uint8Array(await blob.arrayBuffer()))}`;
}

export async function exportCollection(photos: PhotoRecord[], index: SavedIndex): Promise<Blob> {
  const file: CollectionFile = {
    format: FORMAT,
    version: VERSION,
    modelKey: index.modelKey,
    photos: await Promise.all(
      photos.map(async (p) => ({ id: p.id, name: p.name, thumb: await blobToDataUrl(p.thumb) })),
    ),
    index: toBase64(index.bytes),
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}

const INDEX_MAGIC = 'CLIPSIDX';

// A tile with the photo's name, for photos known only by their embeddings.
// One canvas per tile in flight: a few dozen at a time (50,000 at once ran the tab out of memory).
const TILES_AT_ONCE = 32;

async function nameTile(name: string, canvas = new OffscreenCanvas(160, 120)): Promise<Blob> {
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#d8dde3';
  context.fillRect(0, 0, 160, 120);
  context.fillStyle = '#334';
  context.font = '13px sans-serif';
  context.textAlign = 'center';
  context.fillText(name.length > 22 ? `…${name.slice(-21)}` : name, 80, 64, 150);
  return canvas.convertToBlob({ type: 'image/png' });
}

// A bare index (the command line's): the ids are the photos' paths; it belongs to the model
// loaded now, which must be the one it was made with (the dimensions are checked on load).
async function importIndexFile(blob: Blob, modelKey: string): Promise<{ photos: PhotoRecord[]; index: SavedIndex }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const index = await EmbeddingIndex.load(bytes);
  let ids: string[];
  try {
    ids = index.rows().ids.map(String);
  } finally {
    index.delete();
  }
  const photos: PhotoRecord[] = [];
  const canvases = Array.from({ length: TILES_AT_ONCE }, () => new OffscreenCanvas(160, 120));
  for (let from = 0; from < ids.length; from += TILES_AT_ONCE) {
    const batch = ids.slice(from, from + TILES_AT_ONCE);
    const tiles = await Promise.all(batch.map((id, i) => nameTile(id.split('/').pop() ?? id, canvases[i])));
    batch.forEach((id, i) => photos.push({ id, name: id.split('/').pop() ?? id, thumb: tiles[i] }));
  }
  return { photos, index: { modelKey, bytes } };
}

/**
 * Reads an exported collection, or a bare index file (given to `modelKey`); throws a plain
 * message for anything else.
 */
export async function importCollection(
  blob: Blob,
  modelKey: string,
): Promise<{ photos: PhotoRecord[]; index: SavedIndex }> {
  const head = new Uint8Array(await blob.slice(0, INDEX_MAGIC.length).arrayBuffer());
  if (String.fromCharCode(...head) === INDEX_MAGIC) return importIndexFile(blob, modelKey);
  let file: CollectionFile;
  try {
    file = JSON.parse(await blob.text());
  } catch {
    throw new Error('this file is not a clipscope collection (not JSON)');
  }
  if (file?.format !== FORMAT) throw new Error('this file is not a clipscope collection');
  if (file.version !== VERSION)
    throw new Error(`collection format version ${file.version} is not supported (expected ${VERSION})`);
  const photos = file.photos.map((p) => ({ id: p.id, name: p.name, thumb: dataUrlToBlob(p.thumb) }));
  return { photos, index: { modelKey: file.modelKey, bytes: fromBase64(file.index) } };
}
