// Reads the named-array files written by tests/reference/named_arrays.py.
import { existsSync, readFileSync } from 'node:fs';

export type NamedArrays = Record<
  string,
  { shape: number[]; values: Float64Array | Float32Array | Int32Array | Uint8Array }
>;

export const referenceDir = new URL('../../build/reference/', import.meta.url);

export function readNamedArrays(name: string): NamedArrays {
  const url = new URL(name, referenceDir);
  if (!existsSync(url)) {
    throw new Error(`${url.pathname} is missing: \`npm test\` writes it with tests/reference/make_clustering_refs.py`);
  }
  const bytes = readFileSync(url);
  if (bytes.subarray(0, 8).toString() !== 'CSARRAYS') throw new Error(`${url.pathname}: not a named-array file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: NamedArrays = {};
  let at = 8;
  while (at < bytes.length) {
    const nameLength = view.getUint32(at, true);
    const name = bytes.subarray(at + 4, at + 4 + nameLength).toString();
    at += 4 + nameLength;
    const dtype = view.getUint8(at);
    const ndim = view.getUint32(at + 1, true);
    at += 5;
    const shape: number[] = [];
    for (let i = 0; i < ndim; i++, at += 8) shape.push(Number(view.getBigUint64(at, true)));
    const count = shape.reduce((a, b) => a * b, 1);
    const Type = [Float32Array, Float64Array, Int32Array, Uint8Array][dtype];
    const size = count * Type.BYTES_PER_ELEMENT;
    out[name] = { shape, values: new Type(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + size)) };
    at += size;
  }
  return out;
}
