// Export and import of a whole collection as one file: thumbnails, ids and the embeddings
// (clipscope's versioned index format), with the model they belong to. Import also reads a bare
// index file, as `clipscope index <folder>` writes: its photos are shown by name (no-picture.ts).
import { loadIndexFrom } from 'clipscope';
import type { PhotoRecord, SavedIndex } from './collection-store.js';

const FORMAT = 'clipscope-collection';
const VERSION = 1;

interface CollectionFile {
  format: typeof FORMAT;
  version: number;
  modelKey: string;
  /** `thumb` (a data URL) is absent for photos known only by their embeddings. */
  photos: Array<{ id: string; name: string; thumb?: string }>;
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
      photos.map(async (p) => ({ id: p.id, name: p.name, ...(p.thumb && { thumb: await blobToDataUrl(p.thumb) }) })),
    ),
    index: toBase64(index.bytes),
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}

// The saved formats of the exact and the approximate index.
const INDEX_MAGICS = ['CLIPSIDX', 'CLIPSIVF'];
const MAGIC_BYTES = 8;

// A bare index (the command line's): the ids are the photos' paths, the names their file names
// (shown as name tiles); it belongs to the model loaded now, which must be the one it was made
// with (the dimensions are checked on load).
async function importIndexFile(blob: Blob, modelKey: string): Promise<{ photos: PhotoRecord[]; index: SavedIndex }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const index = await loadIndexFrom([bytes], { totalBytes: bytes.length });
  let ids: string[];
  try {
    ids = index.rows().ids.map(String);
  } finally {
    index.delete();
  }
  const photos = ids.map((id) => ({ id, name: id.split('/').pop() || id }));
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
  const head = new Uint8Array(await blob.slice(0, MAGIC_BYTES).arrayBuffer());
  if (INDEX_MAGICS.includes(String.fromCharCode(...head))) return importIndexFile(blob, modelKey);
  let file: CollectionFile;
  try {
    file = JSON.parse(await blob.text());
  } catch {
    throw new Error('this file is not a clipscope collection (not JSON)');
  }
  if (file?.format !== FORMAT) throw new Error('this file is not a clipscope collection');
  if (file.version !== VERSION)
    throw new Error(`collection format version ${file.version} is not supported (expected ${VERSION})`);
  const photos = file.photos.map((p) => ({
    id: p.id,
    name: p.name,
    ...(p.thumb && { thumb: dataUrlToBlob(p.thumb) }),
  }));
  return { photos, index: { modelKey: file.modelKey, bytes: fromBase64(file.index) } };
}
