// Search that knows when nothing matches, on the meaningful colour model: a colour word finds
// its colour and nothing else; a word the model cannot see in any photo ("xyzzy", "a dog")
// finds nothing; `-terms` push photos away and drop the ones they describe; a photo plus a
// text move from the photo toward the text; clusters are named by the vocabulary. Also the
// query syntax and the vector arithmetic, exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clipscope, PHOTO_VOCABULARY, composeQuery, parseQuery } from '../../dist/index.js';
import { COLOUR_GROUPS, colourImage } from './colour-images.js';

const model = new URL('../../build/models/clip-colors/', import.meta.url).pathname;

describe('query syntax and arithmetic', () => {
  it('splits -terms and -"phrases" from what is looked for', () => {
    expect(parseQuery('beach -people')).toEqual({ text: 'beach', exclude: ['people'] });
    expect(parseQuery('red car -"parked cars" -night t-shirt')).toEqual({
      text: 'red car t-shirt',
      exclude: ['parked cars', 'night'],
    });
    expect(parseQuery('  "a quoted phrase"  - -  ')).toEqual({ text: 'a quoted phrase', exclude: [] });
    expect(parseQuery('-only')).toEqual({ text: '', exclude: ['only'] });
  });

  it('adds unit vectors looked for and subtracts weighted excluded ones', () => {
    const q = composeQuery([Float32Array.of(2, 0, 0)], [Float32Array.of(0, 3, 0)], 3, 0.5);
    const norm = Math.hypot(1, 0.5);
    expect([...q]).toEqual([Math.fround(1 / norm), Math.fround(-0.5 / norm), 0]);
    const both = composeQuery([Float32Array.of(1, 0), Float32Array.of(0, 5)], [], 2);
    expect([...both]).toEqual([Math.fround(Math.SQRT1_2), Math.fround(Math.SQRT1_2)]);
    expect(() => composeQuery([], [], 2)).toThrow('a query needs a text or a photo to look for');
    expect(() => composeQuery([Float32Array.of(1, 0)], [Float32Array.of(1, 0)], 2, 1)).toThrow(
      'the excluded terms cancel what the query looks for: nothing is left to search',
    );
    expect(() => composeQuery([Float32Array.of(1, 0)], [], 2, 2)).toThrow(
      'excludeWeight must be between 0 and 1, got 2',
    );
  });
});

describe('Clipscope.search and cluster names on the colour model', () => {
  let engine: Clipscope;
  // The four colours that have a colour word.
  const groups = COLOUR_GROUPS.filter((group) => group.word);

  beforeAll(async () => {
    engine = await Clipscope.create({ model });
    const items = groups.flatMap(({ name, rgb }, g) =>
      [0, 1, 2].map((k) => ({ id: `${name}-${k}`, image: colourImage(rgb, 40 + 8 * k, 40, 10 * g + k) })),
    );
    items.push(
      { id: 'light-red', image: colourImage([255, 150, 150], 40, 40, 90) },
      { id: 'dark-red', image: colourImage([90, 5, 5], 40, 40, 91) },
    );
    await engine.addImages(items);
  });
  afterAll(() => engine?.delete());

  const colourOf = (id: unknown) => String(id).split('-')[0];

  it('finds a colour and only photos of it; says nothing matches a word no photo shows', async () => {
    const red = await engine.search('red');
    expect(red.cutoff).toBe('vocabulary');
    expect(new Set(red.ids)).toEqual(new Set(['red-0', 'red-1', 'red-2', 'light-red', 'dark-red']));
    expect([...red.scores]).toEqual([...red.scores].sort((a, b) => b - a));
    const blue = await engine.search('blue', { k: 2 });
    expect(blue.ids.map(colourOf)).toEqual(['blue', 'blue']);
    expect(blue.more).toBe(true);
    for (const nonsense of ['xyzzy', 'a photo of a dog', 'qqq']) {
      const none = await engine.search(nonsense);
      expect(none).toMatchObject({ ids: [], cutoff: 'vocabulary', more: false });
    }
    // Without the cut-off the same query ranks everything.
    expect((await engine.search('xyzzy', { tolerance: Infinity, k: 100 })).ids.length).toBeGreaterThan(0);
  });

  it('moves away from -excluded terms', async () => {
    const lightFirst = await engine.search('red -dark');
    const darkFirst = await engine.search('red -bright');
    expect(lightFirst.ids[0]).toBe('light-red');
    expect(lightFirst.ids.at(-1)).toBe('dark-red');
    expect(darkFirst.ids[0]).toBe('dark-red');
    expect(darkFirst.ids.at(-1)).toBe('light-red');
    // An excluded term that describes a photo best drops it: no red photo stays.
    expect((await engine.search({ text: 'red', exclude: ['red'] }, { k: 50 })).ids).toEqual([]);
    await expect(engine.search('-red')).rejects.toThrow('the query only excludes: give something to look for');
    await expect(engine.search({})).rejects.toThrow('the query is empty: give a text or a photo');
  });

  it('searches with a stored photo plus a text, leaving the photo out of its results', async () => {
    const similar = await engine.search({ image: 'light-red' }, { k: 3 });
    expect(similar.cutoff).toBe('none');
    expect(similar.ids).not.toContain('light-red');
    const darker = await engine.search({ image: 'light-red', text: 'dark' }, { k: 3 });
    expect(darker.ids[0]).toBe('dark-red');
    expect(darker.ids).not.toContain('light-red');
    await expect(engine.search({ image: 404 })).rejects.toThrow('no stored item has id 404');
  });

  it('names clusters by their colour, and by a replaced vocabulary', async () => {
    const clusters = engine.cluster({ k: 4 });
    const names = await engine.nameClusters(clusters);
    const byName = Object.fromEntries(names.map((name, c) => [name, clusters.clusters[c].members.map(colourOf)]));
    for (const colour of ['green', 'blue', 'yellow']) expect(new Set(byName[colour])).toEqual(new Set([colour]));
    expect(byName.red).toContain('red');
    expect(engine.vocabulary).toEqual(PHOTO_VOCABULARY);
    await engine.useVocabulary(['cherry', 'grass', 'sky', 'banana', 'red', 'green', 'blue', 'yellow'].slice(0, 4));
    expect(engine.vocabulary).toEqual(['cherry', 'grass', 'sky', 'banana']);
    // None of these words means anything to the colour model: every cluster gets a distinct one.
    expect(new Set(await engine.nameClusters(clusters)).size).toBe(4);
    await engine.useVocabulary(['red', 'green', 'blue', 'yellow']);
    expect(new Set(await engine.nameClusters(clusters))).toEqual(new Set(['red', 'green', 'blue', 'yellow']));
    await expect(engine.useVocabulary([])).rejects.toThrow('a vocabulary needs at least one label');
    await expect(engine.useVocabulary(['a', 'a'])).rejects.toThrow('the vocabulary repeats a label');
    await engine.useVocabulary();
    expect(engine.vocabulary).toEqual(PHOTO_VOCABULARY);
  });
});
