// Hostile input, one case per class of the trust issue, run the same way in Node and in
// Chromium: every call must end in a typed clipscope error (or an exact result), an index made
// before must save the same bytes afterwards, and the WASM heap and Embind handles must not
// grow. The report is plain data, so both runtimes can be compared with each other.
import type * as Advanced from '../../dist/advanced.js';
import type * as Main from '../../dist/index.js';

type Api = typeof Main & typeof Advanced;
interface Core {
  heapBytesInUse(): number;
  count_emval_handles(): number;
}

/** One hostile call: the error it raised (name and message), or what it returned. */
export interface Outcome {
  name: string;
  error?: string;
  message?: string;
  value?: unknown;
}

export interface HostileReport {
  outcomes: Outcome[];
  savedBytesUnchanged: boolean;
  heapGrowth: number;
  handleGrowth: number;
  laterSearch: Array<number | string>;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

// Saved index bytes with `from` (an id's UTF-8) replaced by `to` and the CRC made valid again:
// damage that only the loader's own checks can catch.
function patchId(saved: Uint8Array, from: number[], to: number[]): Uint8Array {
  const bytes = saved.slice();
  const at = bytes.findIndex((_, i) => from.every((b, k) => bytes[i + k] === b));
  bytes.set(to, at);
  new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

// A PNG of 1 x 1 pixel whose image data inflates to `inflated` bytes of zeros.
async function pngBomb(inflated: number, deflate: (data: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(
      [...type].map((c) => c.charCodeAt(0)),
      4,
    );
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, 1);
  new DataView(header.buffer).setUint32(4, 1);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit gray
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', await deflate(new Uint8Array(inflated))),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

async function outcome(name: string, run: () => unknown): Promise<Outcome> {
  try {
    const value = await run();
    return { name, value };
  } catch (error) {
    return { name, error: (error as Error).name, message: (error as Error).message };
  }
}

/**
 * Runs every hostile case twice (the first run warms caches) around an index made before, and
 * reports what each call gave and what changed.
 */
export async function runHostileBattery(
  api: Api,
  core: Core,
  deflate: (data: Uint8Array) => Promise<Uint8Array>,
  merges: string,
): Promise<HostileReport> {
  const kept = await api.EmbeddingIndex.create(3);
  kept.addMany(['a', 'b', 'c'], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  const savedBefore = kept.save();
  const tokenizer = await api.ClipTokenizer.fromMerges(merges);
  const bomb = await pngBomb(64 << 20, deflate);
  const points = [0, 0, 0, 1, 5, 5, 5, 6];

  const battery = async (): Promise<Outcome[]> => {
    const index = await api.EmbeddingIndex.create(2);
    index.addMany(['x', 'y', 'z'], [1, 0, 0, 1, 1, 1]);
    const twoIds = await api.EmbeddingIndex.create(2);
    twoIds.addMany(['ab', 'ac'], [1, 0, 0, 1]);
    const saved = twoIds.save();
    const results = [
      // 32-bit size arithmetic: numbers above 2^31 / 2^32 must not wrap into small ones.
      await outcome('crop_size 256 x 33554433', async () =>
        (await api.ImagePreprocessor.create({ crop_size: { width: 256, height: 33554433 } })).delete(),
      ),
      await outcome('encodeBatch contextLength 2^31 + 77', () =>
        tokenizer.encodeBatch(['a dog'], { contextLength: 2 ** 31 + 77 }),
      ),
      await outcome('encodeBatch padId 2^31', () => tokenizer.encodeBatch(['a dog'], { padId: 2 ** 31 })),
      await outcome('silhouette labels near 2^31', () => api.silhouette(points, 2, [0, 2 ** 31 - 1, 0, 2 ** 31 - 1])),
      await outcome('silhouette labels 0/1', () => api.silhouette(points, 2, [0, 1, 0, 1])),
      await outcome('silhouette label 2^32 + 1', () => api.silhouette(points, 2, [0, 2 ** 32 + 1, 0, 1])),
      await outcome('kmeans k 2^32 + 1', () => api.kmeans(points, 2, 2 ** 32 + 1)),
      await outcome('kmeans maxIter 2^31', () => api.kmeans(points, 2, 2, { maxIter: 2 ** 31 })),
      await outcome('kmeans nInit 2^32 + 1', () => api.kmeans(points, 2, 2, { nInit: 2 ** 32 + 1 })),
      await outcome('autoK kMax 2^32', () => api.autoK(points, 2, { kMax: 2 ** 32 })),
      await outcome('index rerankPool 2^32 + 5', () =>
        api.EmbeddingIndex.create(4, { storage: 'int8', rerankPool: 2 ** 32 + 5 }),
      ),
      await outcome('index dimension 2^32 + 3', () => api.EmbeddingIndex.create(2 ** 32 + 3)),
      await outcome('search k 2^32 + 1', () => index.search([1, 0], 2 ** 32 + 1).ids),
      await outcome('search k 2^24 on 3 items', () => index.search([1, 0], 2 ** 24).ids),
      // Unbounded decompression.
      await outcome('PNG of 1 x 1 inflating to 64 MB', () =>
        api.decodeImage(new File([bomb as Uint8Array<ArrayBuffer>], 'bomb.png')),
      ),
      // Quadratic text processing: linear now (the test's time limit is the bound).
      await outcome('nested entities x 100000', () =>
        Array.from(tokenizer.encodeBatch(['&' + 'amp;'.repeat(100_000)]).ids.slice(0, 4)),
      ),
      await outcome('one word of 1 MB', () => tokenizer.encode('a'.repeat(1 << 20)).length),
      // Ids exactly as given.
      await outcome("id '\\uD800'", () => index.add('\uD800', [1, 1])),
      await outcome("id '\\uD800a'", () => index.add('\uD800a', [1, 1])),
      await outcome("has('\\uDC00')", () => index.has('\uDC00')),
      await outcome('text with a lone surrogate', () => Array.from(tokenizer.encode('\uD800a'))),
      await outcome('saved id with invalid UTF-8', () =>
        api.EmbeddingIndex.load(patchId(saved, [0x61, 0x62], [0xc3, 0x28])),
      ),
      await outcome('saved ids repeated', () => api.EmbeddingIndex.load(patchId(saved, [0x61, 0x63], [0x61, 0x62]))),
      // Wrong types.
      await outcome("EmbeddingIndex.create('512')", () => api.EmbeddingIndex.create('512' as unknown as number)),
      await outcome('add with an object id', () => index.add({} as unknown as string, [1, 1])),
      await outcome('encode(42)', () => tokenizer.encode(42 as unknown as string)),
      await outcome('search with a string query', () => index.search('1,0' as unknown as number[], 1)),
      await outcome('kmeans with k as a string', () => api.kmeans(points, 2, '2' as unknown as number)),
    ];
    index.delete();
    twoIds.delete();
    return results;
  };

  const first = await battery();
  const handles = core.count_emval_handles();
  const heap = core.heapBytesInUse();
  await battery();
  const report: HostileReport = {
    outcomes: first,
    heapGrowth: core.heapBytesInUse() - heap,
    handleGrowth: core.count_emval_handles() - handles,
    savedBytesUnchanged: (() => {
      const after = kept.save();
      return after.length === savedBefore.length && after.every((b, i) => b === savedBefore[i]);
    })(),
    laterSearch: kept.search([0, 1, 0.1], 2).ids,
  };
  kept.delete();
  tokenizer.delete();
  return report;
}
