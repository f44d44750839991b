// Embeddings in and out of the browser for tools that work with numpy arrays: a float32 `.npy`
// (n × dim) plus a JSON file of ids, loadable by numpy, FAISS and vector databases.
import { EmbeddingIndex, type Id, type IndexOptions } from '../search/embedding-index.js';
import { CorruptDataError } from '../common/errors.js';

/** An export: `npy` holds the vectors (little-endian float32, C order), `json` the ids. */
export interface EmbeddingsExport {
  npy: Uint8Array;
  /** `{"format": "clipscope-embeddings", "version": 1, "dim": 512, "count": n, "ids": [...]}` */
  json: string;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function corrupt(message: string): never {
  throw new CorruptDataError(message);
}

/** A float32 matrix as a version 1.0 `.npy` file. */
export function encodeNpy(data: Float32Array, rows: number, cols: number): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // The header (with magic, version and its length field) is padded to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return out;
}

/** A 2-D float32 or float64 `.npy` (C order) as float32 rows. */
export function decodeNpy(bytes: Uint8Array): { data: Float32Array; rows: number; cols: number } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) corrupt('not a .npy file (no \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) corrupt(`.npy format version ${major} is not supported`);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) corrupt('.npy header is truncated');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (start + headerLength > bytes.length) corrupt('.npy header is truncated');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([<>|]?[a-z]\d+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\((\d+),\s*(\d+),?\s*\)/.exec(header);
  if (!shape) corrupt(`.npy must hold a 2-D array, header says ${header.trim()}`);
  if (fortran !== 'False') corrupt('.npy in Fortran order is not supported: save a C-ordered array');
  const [rows, cols] = [Number(shape[1]), Number(shape[2])];
  const size =
    descr === '<f4' ? 4 : descr === '<f8' ? 8 : corrupt(`.npy dtype ${descr} is not supported: use float32 or float64`);
  const offset = start + headerLength;
  if (bytes.length !== offset + rows * cols * size) {
    corrupt(`.npy has ${bytes.length - offset} data bytes, ${rows} x ${cols} of ${descr} needs ${rows * cols * size}`);
  }
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    data[i] = size === 4 ? view.getFloat32(offset + i * 4, true) : view.getFloat64(offset + i * 8, true);
  }
  return { data, rows, cols };
}

/** The index's embeddings and ids as `.npy` + JSON (storage order). */
export function exportEmbeddings(index: EmbeddingIndex): EmbeddingsExport {
  const { ids, vectors } = index.rows();
  return {
    npy: encodeNpy(vectors, ids.length, index.dim),
    json: JSON.stringify({ format: 'clipscope-embeddings', version: 1, dim: index.dim, count: ids.length, ids }),
  };
}

/** A new index from a `.npy` (n × dim) and its ids: a JSON text as exported, or an id array. */
export async function importEmbeddings(
  npy: Uint8Array,
  ids: string | readonly Id[],
  options: IndexOptions = {},
): Promise<EmbeddingIndex> {
  const { data, rows, cols } = decodeNpy(npy);
  const list = typeof ids === 'string' ? (JSON.parse(ids) as { ids?: Id[] }).ids : ids;
  if (!Array.isArray(list)) corrupt('ids JSON has no "ids" list');
  if (list.length !== rows) corrupt(`.npy has ${rows} rows but there are ${list.length} ids`);
  const index = await EmbeddingIndex.create(cols, options);
  try {
    index.addMany(list, data);
  } catch (error) {
    index.delete();
    throw error;
  }
  return index;
}
