// One lifecycle for everything that holds WebAssembly memory: delete() frees it (twice is
// fine), [Symbol.dispose] is what `using` calls, later use throws DeletedError, and no heap is
// left behind.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApproximateIndex, DeletedError, EmbeddingIndex } from '../../dist/index.js';
import { ClipTokenizer, ImagePreprocessor } from '../../dist/advanced.js';
import { core, init } from '../../dist/wasm/core.js';

const merges = gunzipSync(
  readFileSync(new URL('../../models/clip-bpe/bpe_simple_vocab_16e6.txt.gz', import.meta.url)),
).toString('utf8');

describe('objects holding WASM memory', () => {
  it('free it with delete() or [Symbol.dispose], once, and then say they were deleted', async () => {
    await init();
    const heap = core().heapBytesInUse();
    const made = [
      [await EmbeddingIndex.create(8), 'EmbeddingIndex', (o: EmbeddingIndex) => o.size],
      [await ApproximateIndex.create(8), 'ApproximateIndex', (o: ApproximateIndex) => o.size],
      [await ClipTokenizer.fromMerges(merges), 'ClipTokenizer', (o: ClipTokenizer) => o.encode('a cat')],
      [
        await ImagePreprocessor.create(),
        'ImagePreprocessor',
        (o: ImagePreprocessor) => o.preprocess({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }),
      ],
    ] as const;
    made.forEach(([object], i) => (i % 2 ? object.delete() : object[Symbol.dispose]()));
    for (const [object, kind, use] of made) {
      expect(object.deleted).toBe(true);
      expect(() => (use as (o: typeof object) => unknown)(object)).toThrow(
        new DeletedError(`this ${kind} was deleted`),
      );
      object.delete(); // a second time is fine
    }
    expect(core().heapBytesInUse()).toBe(heap);
  });
});
