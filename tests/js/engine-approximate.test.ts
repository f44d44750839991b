// The engine above `approximateAbove`: the collection moves into the approximate index once it
// grows past it (and when a larger saved one is loaded), every engine feature keeps working on
// it, and it answers as the exact engine does on the meaningful colour model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApproximateIndex, BusyError, Clipscope, EmbeddingIndex, InvalidArgumentError } from '../../dist/index.js';
import { COLOUR_GROUPS, colourImage } from './colour-images.js';

const model = new URL('../../build/models/clip-colors/', import.meta.url).pathname;

// The four colours that have a colour word.
const groups = COLOUR_GROUPS.filter((group) => group.word);
const items = groups.flatMap(({ name, rgb }, g) =>
  [0, 1, 2].map((k) => ({ id: `${name}-${k}`, image: colourImage(rgb, 40 + 8 * k, 40, 10 * g + k) })),
);
const colour = (id: number | string) => String(id).split('-')[0];
const sorted = (ids: Array<number | string>) => ids.map(String).sort();
const magic = (bytes: Uint8Array) => String.fromCharCode(...bytes.subarray(0, 8));

describe('Clipscope above approximateAbove', () => {
  let exact: Clipscope;
  let approximate: Clipscope;

  beforeAll(async () => {
    exact = await Clipscope.create({ model, approximateAbove: Infinity });
    approximate = await Clipscope.create({ model, approximateAbove: 8 });
    await exact.addImages(items);
  });
  afterAll(async () => {
    await exact?.delete();
    await approximate?.delete();
  });

  it('stays exact up to the size, then moves every image into an approximate index', async () => {
    await approximate.addImages(items.slice(0, 8));
    expect(approximate.index).toBeInstanceOf(EmbeddingIndex);
    expect(approximate.indexInfo()).toMatchObject({ size: 8, approximate: false, storage: 'float32' });
    const { added, failures } = await approximate.addImages(items.slice(8));
    expect(failures).toEqual([]);
    expect(added).toHaveLength(4);
    expect(approximate.index).toBeInstanceOf(ApproximateIndex);
    const info = approximate.indexInfo();
    expect(info).toMatchObject({ size: 12, dim: exact.model.dim, approximate: true, storage: 'int8' });
    expect(info.memoryBytes).toBeLessThan(exact.indexInfo().memoryBytes);
    expect(exact.indexInfo().approximate).toBe(false);
  });

  it('searches, ranks, classifies and finds similar photos as the exact engine does', async () => {
    for (const word of ['red', 'green', 'blue', 'yellow']) {
      const want = await exact.searchByText(word, 3);
      const got = await approximate.searchByText(word, 3);
      expect(sorted(got.ids)).toEqual(sorted(want.ids));
      expect(got.ids.map(colour)).toEqual([word, word, word]);
      got.ids.forEach((id, i) =>
        expect(Math.abs(got.scores[i] - want.scores[want.ids.indexOf(id)])).toBeLessThan(2e-3),
      );
      const ranked = await approximate.search(word);
      expect(sorted(ranked.ids)).toEqual(sorted((await exact.search(word)).ids));
    }
    const similar = await approximate.searchByImage('blue-1', 2);
    expect(sorted(similar.ids)).toEqual(['blue-0', 'blue-2']);
    const labels = ['a red photo', 'a green photo', 'a blue photo', 'a yellow photo'];
    expect((await approximate.classify('green-2', labels))[0].label).toBe('a green photo');
  });

  it('clusters, names, maps and groups near duplicates on the approximate index', async () => {
    const clusters = approximate.cluster({ k: 4 });
    expect(clusters.ids).toHaveLength(12);
    const byColour = clusters.clusters.map((c) => [...new Set(c.members.map(colour))]);
    expect(byColour.every((c) => c.length === 1)).toBe(true);
    expect(sorted(byColour.flat())).toEqual(['blue', 'green', 'red', 'yellow']);
    const names = await approximate.nameClusters(clusters);
    expect(names).toEqual(await exact.nameClusters(exact.cluster({ k: 4 })));
    expect(approximate.cluster().k).toBe(4);
    const map = approximate.map();
    expect(map.coords).toHaveLength(24);
    expect(map.coords.every(Number.isFinite)).toBe(true);
    expect(approximate.nearDuplicates(0.99)).toEqual(exact.nearDuplicates(0.99));
  });

  it('saves in the approximate format and loads either format, moving a large exact one over', async () => {
    const saved = approximate.save();
    expect(magic(saved)).toBe('CLIPSIVF');
    const fresh = await Clipscope.create({ model });
    await fresh.load(saved);
    expect(fresh.indexInfo()).toMatchObject({ size: 12, approximate: true });
    expect(await fresh.searchByText('red', 3)).toEqual(await approximate.searchByText('red', 3));
    // An exact collection of 12 stays exact below the default size, moves over above 8.
    await fresh.load(exact.save());
    expect(fresh.indexInfo()).toMatchObject({ size: 12, approximate: false });
    const small = await Clipscope.create({ model, approximateAbove: 8 });
    await small.load(exact.save());
    expect(small.indexInfo()).toMatchObject({ size: 12, approximate: true });
    expect(sorted((await small.searchByText('red', 3)).ids)).toEqual(['red-0', 'red-1', 'red-2']);
    await expect(small.load(new Uint8Array(3))).rejects.toThrow('index data is corrupt');
    expect(small.indexInfo().size).toBe(12); // a failed load leaves the collection as it was
    await fresh.delete();
    await small.delete();
  });

  it('waits with the move while the exact index is being saved in pieces, losing nothing', async () => {
    const engine = await Clipscope.create({ model, approximateAbove: 8 });
    await engine.addImages(items.slice(0, 8));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pieces: Uint8Array[] = [];
    const saving = (engine.index as EmbeddingIndex).saveInPieces(
      async (piece) => {
        pieces.push(piece.slice());
        await gate;
      },
      { pieceBytes: 1024 },
    );
    await new Promise((resolve) => setTimeout(resolve, 0)); // the save has started
    // The index refuses changes while it is saved: these are listed as failures, and the move
    // (which would free the index being saved) waits.
    const during = await engine.addImages(items.slice(8, 11));
    expect(during.added).toEqual([]);
    expect(during.failures.map((f) => f.error)).toEqual(
      Array(3).fill(new BusyError('the index is being saved; change it once the save has finished')),
    );
    expect(engine.index).toBeInstanceOf(EmbeddingIndex);
    release();
    await saving;
    expect((await EmbeddingIndex.loadFrom(pieces)).size).toBe(8);
    await engine.addImages(items.slice(8));
    expect(engine.index).toBeInstanceOf(ApproximateIndex);
    expect(engine.indexInfo().size).toBe(12);
    await engine.delete();
  });

  it('checks its options before loading the model', async () => {
    await expect(Clipscope.create({ model, approximateAbove: -1 })).rejects.toThrow(
      new InvalidArgumentError('approximateAbove must be an integer ≥ 0, got -1'),
    );
    await expect(Clipscope.create({ model, approximate: { nprobe: 0 } })).rejects.toThrow(
      new InvalidArgumentError('nprobe must be an integer from 1 to 65536, got 0'),
    );
  });
});
