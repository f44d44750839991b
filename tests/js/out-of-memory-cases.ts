// Running out of WebAssembly memory (4 GB at most) is a typed error naming the size, the batch
// that did not fit is undone, and everything stored before stays. Imported by one test file per
// build of the core (the module's memory stays grown for the rest of a file).
import { describe, expect, it } from 'vitest';
import { ApproximateIndex, EmbeddingIndex, OutOfMemoryError } from '../../dist/index.js';
import { ImagePreprocessor } from '../../dist/advanced.js';
import { core } from '../../dist/wasm/core.js';

const DIM = 65536;
const BATCH = 64;

describe('out of WebAssembly memory', () => {
  it('refuses the batch that does not fit with OutOfMemoryError and keeps what was stored', async () => {
    const index = await EmbeddingIndex.create(DIM);
    const vectors = new Float32Array(BATCH * DIM);
    let failure: unknown;
    let batches = 0;
    while (!failure && batches < 1000) {
      vectors.fill(batches + 1);
      try {
        index.addMany(
          Array.from({ length: BATCH }, (_, i) => `${batches}-${i}`),
          vectors,
        );
        batches++;
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(OutOfMemoryError);
    // What the batch needs, what is free, and what would fit.
    const message = (failure as Error).message;
    const match =
      /^out of memory: adding 64 vectors of 65536 dims \(float32\) to an index of (\d+) needs about ([\d.]+) MB more; ([\d.]+) MB of WebAssembly memory is free \(of 4294\.[\d] MB\)(, but not in one piece that large)?\. The same vectors in int8 storage take about ([\d.]+) MB \(create the index with \{ storage: 'int8' \}\), or in an ApproximateIndex about ([\d.]+) MB$/.exec(
        message,
      );
    expect(match, message).not.toBeNull();
    const [, stored, needed, free, piece] = match!;
    expect(Number(stored)).toBe(batches * BATCH);
    // Refused up front (more than is free), or the one allocation failed (too large a piece).
    expect(Number(needed) > Number(free) || piece !== undefined).toBe(true);
    expect(Number(needed)).toBeGreaterThanOrEqual((BATCH * DIM * 4) / 1e6);
    expect(batches * BATCH * DIM * 4).toBeGreaterThan(2 ** 30); // it ran out for real, past 1 GB
    expect(index.size).toBe(batches * BATCH);
    expect(index.has(`${batches}-0`)).toBe(false);
    // A batch that needs more than is free at all is refused before anything is allocated.
    const large = 1024;
    let refused = '';
    try {
      index.addMany(
        Array.from({ length: large }, (_, i) => `large-${i}`),
        new Float32Array(large * DIM).fill(1),
      );
    } catch (error) {
      refused = (error as Error).message;
    }
    const up = /needs about ([\d.]+) MB more; ([\d.]+) MB of WebAssembly memory is free \(of [\d.]+ MB\)\. /.exec(
      refused,
    );
    expect(up, refused).not.toBeNull();
    expect(Number(up![1])).toBeGreaterThan(Number(up![2]));
    expect(index.size).toBe(batches * BATCH);
    const last = index.get(`${batches - 1}-${BATCH - 1}`);
    expect(last[0]).toBeCloseTo(1 / Math.sqrt(DIM), 7);
    const query = new Float32Array(DIM).fill(1);
    expect(index.search(query, 1).ids).toEqual(['0-0']);
    // A copy into an approximate index (what the engine moves a large collection to) does not
    // fit beside it either: refused, nothing of the partial copy kept, the collection as it was.
    const heap = core().heapBytesInUse();
    expect(() => ApproximateIndex.fromIndex(index)).toThrow(
      new RegExp(`^out of memory: copying ${batches * BATCH} vectors into an approximate index needs about `),
    );
    expect(() => ApproximateIndex.fromIndex(index)).toThrow(OutOfMemoryError);
    expect(core().heapBytesInUse()).toBe(heap);
    expect(index.size).toBe(batches * BATCH);
    index.delete();
    // The memory is back: a new index of the same size fits.
    const again = await EmbeddingIndex.create(DIM);
    again.addMany(
      Array.from({ length: BATCH }, (_, i) => i),
      vectors,
    );
    expect(again.size).toBe(BATCH);
    again.delete();
  }, 180_000);

  it('names the bytes a preprocessing batch would need when it cannot be held', async () => {
    const preprocessor = await ImagePreprocessor.create({ size: { shortest_edge: 4096 }, crop_size: 4096 });
    const image = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 };
    expect(() => preprocessor.preprocessBatch(Array(12).fill(image))).toThrow(
      new OutOfMemoryError('out of memory: a batch of 12 images of 4096 x 4096 needs 2415919104 bytes'),
    );
    expect(preprocessor.preprocessBatch([image]).dims).toEqual([1, 3, 4096, 4096]);
    preprocessor.delete();
  }, 60_000);
});
