// Saving and loading in bounded pieces (saveInPieces, saveTo, loadFrom, loadIndexFrom): the
// pieces are the bytes of save(), any split of them loads back the same index with its memory
// measured, changes wait for the save, and a cut or damaged stream says what is wrong.
import { describe, expect, it } from 'vitest';
import {
  ApproximateIndex,
  BusyError,
  CorruptDataError,
  EmbeddingIndex,
  InvalidArgumentError,
  loadIndexFrom,
} from '../../dist/index.js';
import { core } from '../../dist/wasm/core.js';
import { randomVectors } from './helpers.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? i : `photo-${i}.jpg`));

async function exactIndex(n: number, storage: 'float32' | 'int8' | 'int8-exact' = 'float32') {
  const index = await EmbeddingIndex.create(32, { storage });
  index.addMany(ids(n), randomVectors(n, 32, 7));
  return index;
}

async function piecesOf(index: EmbeddingIndex | ApproximateIndex, pieceBytes: number): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  await index.saveInPieces((piece) => void pieces.push(piece), { pieceBytes });
  return pieces;
}

const joined = (pieces: Uint8Array[]) => new Uint8Array(Buffer.concat(pieces));
// Byte equality as one comparison (a deep equal of megabytes is slow).
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

// The bytes cut every `step` bytes, as a stream would deliver them.
function* cut(bytes: Uint8Array, step: number) {
  for (let at = 0; at < bytes.length; at += step) yield bytes.subarray(at, at + step);
}

describe('saving in pieces', () => {
  it('hands out pieces of the asked size that join to the bytes of save()', async () => {
    for (const storage of ['float32', 'int8', 'int8-exact'] as const) {
      const index = await exactIndex(500, storage);
      const pieces = await piecesOf(index, 4096);
      expect(pieces.length).toBeGreaterThan(5);
      // A piece ends after the record that reaches the size: at most one record (an id, a row) more.
      for (const piece of pieces) expect(piece.length).toBeLessThan(4096 + 32 * 4 + 20);
      expect(joined(pieces)).toEqual(index.save());
      index.delete();
    }
  });

  it('loads from any split of the pieces, with the same searches and exactly measured memory', async () => {
    const index = await exactIndex(300, 'int8-exact');
    const saved = index.save();
    const query = randomVectors(1, 32, 99);
    for (const step of [1, 13, 1000, saved.length]) {
      const heap = core().heapBytesInUse();
      const loaded = await EmbeddingIndex.loadFrom(cut(saved, step));
      expect(core().heapBytesInUse() - heap).toBe(loaded.memoryBytes); // no scratch left behind
      expect(loaded.save()).toEqual(saved);
      expect(loaded.search(query, 5)).toEqual(index.search(query, 5));
      loaded.delete();
      expect(core().heapBytesInUse()).toBe(heap);
    }
    index.delete();
  });

  it('round-trips through a WritableStream and a ReadableStream, for either index', async () => {
    const approx = await ApproximateIndex.create(16, { exactScores: true });
    approx.addMany(ids(20_100), randomVectors(20_100, 16, 3));
    expect(approx.info().trained).toBe(true);
    const written: Uint8Array[] = [];
    await approx.saveTo(new WritableStream({ write: (piece) => void written.push(piece) }), { pieceBytes: 65536 });
    expect(written.length).toBeGreaterThan(10);
    const bytes = joined(written);
    expect(sameBytes(bytes, approx.save())).toBe(true);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const piece of cut(bytes, 10_000)) controller.enqueue(piece);
        controller.close();
      },
    });
    const loaded = await loadIndexFrom(stream, { totalBytes: bytes.length });
    expect(loaded).toBeInstanceOf(ApproximateIndex);
    expect(sameBytes(loaded.save(), bytes)).toBe(true);
    const exact = await exactIndex(10);
    const again = await loadIndexFrom(new Blob([exact.save()]));
    expect(again).toBeInstanceOf(EmbeddingIndex);
    expect(again.save()).toEqual(exact.save());
    // A Blob's size is checked against the header up front.
    const start = exact.save().subarray(0, 200);
    await expect(loadIndexFrom(new Blob([start]))).rejects.toThrow(
      new CorruptDataError('index data is corrupt: count 10 does not fit in 200 bytes'),
    );
    for (const i of [approx, loaded, exact, again]) i.delete();
  });

  it('refuses changes and delete() while a save runs, and takes them after', async () => {
    const index = await exactIndex(200);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let pieces = 0;
    const saving = index.saveInPieces(() => (pieces++ === 0 ? held : undefined), { pieceBytes: 1024 });
    await Promise.resolve();
    const busy = new BusyError('the index is being saved; change it once the save has finished');
    expect(() => index.add('new', randomVectors(1, 32, 1))).toThrow(busy);
    expect(() => index.remove(1)).toThrow(busy);
    expect(() => index.clear()).toThrow(busy);
    expect(() => index.delete()).toThrow(
      new BusyError('the index is being saved; delete it once the save has finished'),
    );
    expect(index.search(randomVectors(1, 32, 2), 3).ids).toHaveLength(3); // reading is fine
    release();
    await saving;
    expect(pieces).toBeGreaterThan(5);
    index.add('new', randomVectors(1, 32, 1));
    expect(index.size).toBe(201);
    index.delete();
  });

  it('stops between pieces when the signal aborts, and the index takes changes again', async () => {
    const index = await exactIndex(200);
    const controller = new AbortController();
    let pieces = 0;
    const save = index.saveInPieces(
      () => {
        if (++pieces === 3) controller.abort(new Error('stopped by the user'));
      },
      { pieceBytes: 1024, signal: controller.signal },
    );
    await expect(save).rejects.toThrow('stopped by the user');
    expect(pieces).toBe(3);
    index.remove(1);
    index.delete();
  });

  it('says where a cut stream ends, refuses damage, other formats and bad options', async () => {
    const index = await exactIndex(10);
    const saved = index.save();
    await expect(EmbeddingIndex.loadFrom([saved.subarray(0, saved.length - 200)])).rejects.toThrow(
      new CorruptDataError('index data is corrupt: it ends after 8 of 10 vectors'),
    );
    const damaged = saved.slice();
    damaged[saved.length - 11] ^= 1; // a low mantissa bit: only the checksum can tell
    await expect(EmbeddingIndex.loadFrom(cut(damaged, 64))).rejects.toThrow(
      new CorruptDataError('index data is corrupt: checksum mismatch (the data was truncated or altered)'),
    );
    await expect(ApproximateIndex.loadFrom([saved])).rejects.toThrow(
      new CorruptDataError(
        'index data is corrupt: it does not start with the clipscope approximate index magic "CLIPSIVF"',
      ),
    );
    await expect(loadIndexFrom([new TextEncoder().encode('not an index at all')])).rejects.toThrow(
      new CorruptDataError(
        'index data is corrupt: it does not start with a clipscope index magic ("CLIPSIDX" or "CLIPSIVF")',
      ),
    );
    await expect(loadIndexFrom([saved.subarray(0, 3)])).rejects.toThrow(
      new CorruptDataError('index data is corrupt: only 3 bytes'),
    );
    await expect(EmbeddingIndex.loadFrom([saved], { totalBytes: 40 })).rejects.toThrow(
      new CorruptDataError('index data is corrupt: count 10 does not fit in 40 bytes'),
    );
    await expect(EmbeddingIndex.loadFrom([[1, 2, 3] as unknown as Uint8Array])).rejects.toThrow(
      new InvalidArgumentError('every piece must be a Uint8Array, got an array'),
    );
    await expect(index.saveInPieces(() => undefined, { pieceBytes: 2 ** 27 })).rejects.toThrow(
      new InvalidArgumentError('pieceBytes must be an integer from 1 to 67108864, got 134217728'),
    );
    index.delete();
  });
});
