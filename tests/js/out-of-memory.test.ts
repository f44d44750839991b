// Running out of WebAssembly memory (4 GB at most) is a typed error naming the size, the batch
// that did not fit is undone, and everything stored before stays. Its own file: the module's
// memory stays grown for the rest of the file.
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, OutOfMemoryError } from '../../dist/index.js';
import { ImagePreprocessor } from '../../dist/advanced.js';

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
    expect((failure as Error).message).toBe(
      `out of memory: adding ${BATCH} vectors of ${DIM} dims to ${batches * BATCH} needs ${(batches + 1) * BATCH * DIM * 4} bytes of vectors`,
    );
    expect(batches * BATCH * DIM * 4).toBeGreaterThan(2 ** 30); // it ran out for real, past 1 GB
    expect(index.size).toBe(batches * BATCH);
    expect(index.has(`${batches}-0`)).toBe(false);
    const last = index.get(`${batches - 1}-${BATCH - 1}`);
    expect(last[0]).toBeCloseTo(1 / Math.sqrt(DIM), 7);
    const query = new Float32Array(DIM).fill(1);
    expect(index.search(query, 1).ids).toEqual(['0-0']);
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
