// Embeddings out to numpy and back: the .npy + JSON export loads in Debian's python3-numpy with
// the same values, and arrays numpy writes (float32 and float64) import as an index.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptDataError, EmbeddingIndex, exportEmbeddings, importEmbeddings } from '../../dist/index.js';
import { randomVectors } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'clipscope-npy-'));
const python = (code: string) => execFileSync('/usr/bin/python3', ['-c', code], { cwd: work, encoding: 'utf8' });
let index: EmbeddingIndex;
const ids = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? i : `photo-${i}.jpg`));

beforeAll(async () => {
  index = await EmbeddingIndex.create(16);
  index.addMany(ids, randomVectors(20, 16, 5));
});
afterAll(() => {
  index.delete();
  rmSync(work, { recursive: true, force: true });
});

describe('interchange with numpy', () => {
  it('exports a float32 .npy and an ids JSON that numpy reads with the same values', () => {
    const { npy, json } = exportEmbeddings(index);
    writeFileSync(join(work, 'embeddings.npy'), npy);
    writeFileSync(join(work, 'ids.json'), json);
    const seen = JSON.parse(
      python(`import json, numpy as np
a = np.load('embeddings.npy'); meta = json.load(open('ids.json'))
print(json.dumps({'shape': a.shape, 'dtype': str(a.dtype), 'ids': meta['ids'], 'count': meta['count'], 'row7': a[7].tolist(), 'norms': np.linalg.norm(a, axis=1).round(5).tolist()}))`),
    );
    expect(seen.shape).toEqual([20, 16]);
    expect(seen.dtype).toBe('float32');
    expect(seen.ids).toEqual(ids);
    expect(seen.count).toBe(20);
    expect(seen.row7).toEqual(Array.from(index.get(ids[7])));
    expect(seen.norms).toEqual(Array(20).fill(1));
  });

  it('imports arrays numpy saved, float32 and float64, with identical search results', async () => {
    python(`import json, numpy as np
a = np.load('embeddings.npy')
np.save('f32.npy', a)
np.save('f64.npy', a.astype(np.float64))
json.dump(json.load(open('ids.json'))['ids'], open('ids-list.json', 'w'))`);
    for (const file of ['f32.npy', 'f64.npy']) {
      const again = await importEmbeddings(
        readFileSync(join(work, file)),
        readFileSync(join(work, 'ids.json'), 'utf8'),
      );
      const query = randomVectors(1, 16, 9);
      expect(again.search(query, 5).ids).toEqual(index.search(query, 5).ids);
      expect(Array.from(again.get('photo-4.jpg'))).toEqual(Array.from(index.get('photo-4.jpg')));
      again.delete();
    }
    const fromList = await importEmbeddings(
      readFileSync(join(work, 'f32.npy')),
      JSON.parse(readFileSync(join(work, 'ids-list.json'), 'utf8')),
    );
    expect(fromList.size).toBe(20);
    fromList.delete();
  });

  it('names what is wrong with a truncated file, another dtype or a wrong id count', async () => {
    const { npy, json } = exportEmbeddings(index);
    await expect(importEmbeddings(npy.subarray(0, npy.length - 4), json)).rejects.toThrow(
      new CorruptDataError('.npy has 1276 data bytes, 20 x 16 of <f4 needs 1280'),
    );
    python(`import numpy as np; np.save('ints.npy', np.zeros((2, 3), dtype=np.int32))`);
    await expect(importEmbeddings(readFileSync(join(work, 'ints.npy')), ['a', 'b'])).rejects.toThrow(
      '.npy dtype <i4 is not supported: use float32 or float64',
    );
    await expect(importEmbeddings(npy, ['a'])).rejects.toThrow('.npy has 20 rows but there are 1 ids');
    await expect(importEmbeddings(new Uint8Array([1, 2, 3]), ['a'])).rejects.toThrow('not a .npy file');
  });
});
