// The WASM CLIP tokenizer: the original tokenizer's ids on the public cases, the reference's on
// 2100 more strings (tests/reference/clip_tokenizer_reference.py), batches and errors.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeletedError, CorruptDataError } from '../../dist/index.js';
import { ClipTokenizer, gunzipText } from '../../dist/advanced.js';

interface Case {
  text: string;
  ids: number[];
  ids_truncated_77: number[];
}

const root = new URL('../../', import.meta.url);
const publicCases: Case[] = JSON.parse(readFileSync(new URL('tests/fixtures/clip-tokenizer-cases.json', root), 'utf8'));
const moreCases: Case[] = JSON.parse(readFileSync(new URL('build/reference/tokenizer/cases.json', root), 'utf8'));

let tokenizer: ClipTokenizer;
beforeAll(async () => {
  const vocab = await gunzipText(readFileSync(new URL('models/clip-bpe/bpe_simple_vocab_16e6.txt.gz', root)));
  tokenizer = await ClipTokenizer.fromMerges(vocab);
});
afterAll(() => tokenizer.delete());

function framed(text: string): number[] {
  return [tokenizer.startId, ...tokenizer.encode(text), tokenizer.endId];
}

function padded77(text: string): number[] {
  const { ids, attentionMask } = tokenizer.encodeBatch([text], { padId: 0 });
  const real = attentionMask.reduce((a, b) => a + b, 0);
  return Array.from(ids.subarray(0, real));
}

describe('ClipTokenizer', () => {
  it('gives the original CLIP tokenizer ids for all 30 public cases', () => {
    expect(publicCases).toHaveLength(30);
    for (const c of publicCases) {
      expect(framed(c.text), c.text).toEqual(c.ids);
      expect(padded77(c.text), c.text).toEqual(c.ids_truncated_77);
    }
  });

  it('equals the reference tokenizer on 2100 strings of every kind', () => {
    expect(moreCases.length).toBeGreaterThan(2000);
    const wrong = moreCases.filter((c) => JSON.stringify(framed(c.text)) !== JSON.stringify(c.ids));
    expect(wrong.map((c) => c.text)).toEqual([]);
  });

  it('pads a batch with the end token by default and masks the padding', () => {
    const batch = tokenizer.encodeBatch(['a photo of a cat', 'dog'], { contextLength: 8 });
    expect(Array.from(batch.ids)).toEqual([
      49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49406, 1929, 49407, 49407, 49407, 49407, 49407, 49407,
    ]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('reads merges from a tokenizer.json and reports a broken merges file', async () => {
    const small = await ClipTokenizer.fromTokenizerJson({ model: { merges: ['c a', ['ca', 't</w>']] } });
    expect(small.vocabSize).toBe(512 + 2 + 2);
    expect(Array.from(small.encode('cat'))).toEqual([small.tokenId('cat</w>')]);
    small.delete();
    expect(() => small.encode('x')).toThrow(DeletedError);
    await expect(ClipTokenizer.fromMerges('#version: 0.2\na b\n', 5)).rejects.toThrow(
      new CorruptDataError('merges file has 1 merges, the vocabulary needs 5'),
    );
  });
});
