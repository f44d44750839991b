// An index as a file that faiss.read_index loads (faiss's own binary format, as faiss 1.7
// writes it): IndexIDMap2 over IndexFlatIP for the exact index, IndexIDMap2 over IndexIVFFlat
// (inner product, the same lists, centroids and nprobe) for the approximate one. The file is
// built as a Blob of parts (the approximate index's list by list), so no one buffer holds it all.
import { ApproximateIndex } from '../search/approximate-index.js';
import { EmbeddingIndex, type Id } from '../search/embedding-index.js';

/** What `exportFaissIndex` makes. */
export interface FaissExport {
  /** The index file for `faiss.read_index` (inner product: scores are cosines, vectors are unit length). */
  file: Blob;
  /**
   * faiss ids are the clipscope ids when every id is an integer (|id| < 2⁵³); otherwise they
   * are row numbers and `ids[i]` is the clipscope id of faiss id i.
   */
  ids?: Id[];
}

const DUMMY = 1n << 20n; // two reserved int64 fields faiss writes in every header
const METRIC_INNER_PRODUCT = 0;

class Parts {
  readonly parts: BlobPart[] = [];

  fourcc(code: string): void {
    this.parts.push(new TextEncoder().encode(code));
  }

  // Index::d, ntotal, the two reserved fields, is_trained, metric_type.
  header(d: number, ntotal: number): void {
    const view = new DataView(new ArrayBuffer(4 + 8 + 8 + 8 + 1 + 4));
    view.setInt32(0, d, true);
    view.setBigInt64(4, BigInt(ntotal), true);
    view.setBigInt64(12, DUMMY, true);
    view.setBigInt64(20, DUMMY, true);
    view.setUint8(28, 1);
    view.setInt32(29, METRIC_INNER_PRODUCT, true);
    this.parts.push(view.buffer);
  }

  u8(value: number): void {
    this.parts.push(Uint8Array.of(value));
  }

  u64(value: number): void {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(value), true);
    this.parts.push(view.buffer);
  }

  // Typed arrays as they are: every platform clipscope runs on is little-endian, as faiss's files.
  // (The core's arrays are copies out of WASM memory: plain ArrayBuffers.)
  floats(values: Float32Array): void {
    this.parts.push(values as Float32Array<ArrayBuffer>);
  }

  ids(values: BigInt64Array<ArrayBuffer>): void {
    this.parts.push(values);
  }
}

// The clipscope ids as faiss's int64 ids, or row numbers when one is not an integer.
function faissIds(ids: Id[]): { numbers: BigInt64Array<ArrayBuffer>; names?: Id[] } {
  if (ids.every((id) => Number.isSafeInteger(id))) return { numbers: BigInt64Array.from(ids as number[], BigInt) };
  return { numbers: BigInt64Array.from(ids, (_, i) => BigInt(i)), names: ids };
}

function flat(parts: Parts, d: number, n: number, chunks: Iterable<Float32Array>): void {
  parts.fourcc('IxFI');
  parts.header(d, n);
  parts.u64(n * d); // the vectors' length in floats
  for (const chunk of chunks) parts.floats(chunk);
}

/**
 * The index as a faiss index file. Load it in Python with
 * `faiss.read_index(path)`; search with unit-length queries (`faiss.normalize_L2`).
 */
export function exportFaissIndex(index: EmbeddingIndex | ApproximateIndex): FaissExport {
  const parts = new Parts();
  const d = index.dim;
  let order: Id[];
  parts.fourcc('IxM2');
  parts.header(d, index.size);
  if (index instanceof EmbeddingIndex) {
    const rows = index.rows();
    order = rows.ids;
    flat(parts, d, order.length, [rows.vectors]);
  } else {
    order = ivfFlat(parts, index);
  }
  const { numbers, names } = faissIds(order);
  parts.u64(numbers.length);
  parts.ids(numbers);
  return { file: new Blob(parts.parts), ...(names && { ids: names }) };
}

// IndexIVFFlat: its quantizer (the centroids in an IndexFlatIP), no direct map, then the
// array inverted lists: sizes, then each list's vectors and (row-number) ids.
function ivfFlat(parts: Parts, index: ApproximateIndex): Id[] {
  const { lists, nprobe, size, trained } = index.info();
  const d = index.dim;
  parts.fourcc('IwFl');
  parts.header(d, size);
  parts.u64(lists);
  parts.u64(nprobe);
  // Untrained: one list, and any centroid sends every query to it.
  const centroids = trained ? index.centroids() : new Float32Array(d);
  flat(parts, d, lists, [centroids]);
  parts.u8(0); // no direct map
  parts.u64(0);
  parts.fourcc('ilar');
  parts.u64(lists);
  parts.u64(d * 4); // code size: one float32 vector
  parts.fourcc('full');
  parts.u64(lists);
  // The sizes come first in the file: their place is kept and filled as the lists are read.
  const sizes = new BigUint64Array(lists);
  parts.parts.push(sizes);
  const order: Id[] = [];
  for (let l = 0; l < lists; l++) {
    const { ids, vectors } = index.listRows(l);
    sizes[l] = BigInt(ids.length);
    if (!ids.length) continue;
    parts.floats(vectors);
    parts.ids(BigInt64Array.from(ids, (_, i) => BigInt(order.length + i)));
    for (const id of ids) order.push(id);
  }
  return order;
}
