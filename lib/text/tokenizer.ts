// The CLIP BPE tokenizer of the WASM core, and the readers of the vocabulary files it is built from.
import { core, init } from '../wasm/core.js';
import { check, InvalidArgumentError } from '../common/errors.js';
import type { RawTokenizer } from '../wasm/raw-module.js';
import { describeType, integerInRange, invalid, wellFormedText } from '../common/validate.js';
import { WasmObject } from '../wasm/wasm-object.js';

/** The longest row `encodeBatch` makes (the core's bound). */
export const MAX_CONTEXT_LENGTH = 4096;
/** CLIP's text context: 77 tokens including the start and end tokens. */
export const CLIP_CONTEXT_LENGTH = 77;
/** Merges in CLIP's vocabulary (49408 tokens = 256 bytes × 2 + merges + 2 special tokens). */
export const CLIP_MERGE_COUNT = 49152 - 256 - 2;

/** Token ids of a batch: `count` rows of `contextLength` ids, and 1/0 per position for padding. */
export interface TokenizedBatch {
  ids: Int32Array;
  attentionMask: Int32Array;
  count: number;
  contextLength: number;
}

/** Options of {@link ClipTokenizer.encodeBatch}. */
export interface EncodeOptions {
  /** Row length; longer texts are cut with the end token kept last. Default 77. */
  contextLength?: number;
  /** Id written after the end token. Default: the end token, as Hugging Face's CLIP tokenizer. */
  padId?: number;
}

/**
 * openai/CLIP's tokenizer in WASM: ftfy-style text repair and HTML unescaping, Unicode
 * lowercasing, CLIP's pre-tokenizer pattern, byte-level BPE. Equal to the original's ids.
 * Call `delete()` (or `using`) to free it; a forgotten one is freed when collected.
 */
export class ClipTokenizer extends WasmObject<RawTokenizer> {
  private constructor(raw: RawTokenizer) {
    super(raw, 'ClipTokenizer');
  }

  /**
   * From the text of a merges file: CLIP's `bpe_simple_vocab_16e6.txt` or a Hugging Face
   * `merges.txt` (a `#version` first line is skipped). `mergeCount` merges are read (CLIP's 48894).
   */
  static async fromMerges(merges: string, mergeCount = CLIP_MERGE_COUNT): Promise<ClipTokenizer> {
    await init();
    if (typeof merges !== 'string') invalid(`merges must be a string, got ${describeType(merges)}`);
    integerInRange(mergeCount, 1, 1 << 20, 'mergeCount');
    return new ClipTokenizer(check(core().createTokenizer(merges, mergeCount)).tokenizer);
  }

  /** From a Hugging Face `tokenizer.json` (text or parsed): its BPE model's merges. */
  static async fromTokenizerJson(json: string | { model?: { merges?: unknown } }): Promise<ClipTokenizer> {
    const parsed = typeof json === 'string' ? (JSON.parse(json) as { model?: { merges?: unknown } }) : json;
    const merges = parsed.model?.merges;
    if (!Array.isArray(merges)) throw new InvalidArgumentError('tokenizer.json has no model.merges list');
    // Merges are "a b" strings, or [a, b] pairs in newer files.
    const lines = merges.map((m: unknown) => (Array.isArray(m) ? m.join(' ') : String(m)));
    return ClipTokenizer.fromMerges(lines.join('\n'), lines.length);
  }

  /**
   * Token ids of `text`, without the start/end tokens and without truncation. Lone UTF-16
   * surrogates become U+FFFD (as TextEncoder does). Time is O(n log n) in the text's length.
   */
  encode(text: string): Int32Array {
    return check(this.raw.encode(wellFormedText(text)));
  }

  /** Rows of framed, truncated and padded ids for a text encoder. */
  encodeBatch(texts: readonly string[], options: EncodeOptions = {}): TokenizedBatch {
    if (!Array.isArray(texts)) invalid(`texts must be an array of strings, got ${describeType(texts)}`);
    const contextLength = integerInRange(
      options.contextLength ?? CLIP_CONTEXT_LENGTH,
      2,
      MAX_CONTEXT_LENGTH,
      'contextLength',
    );
    const padId = integerInRange(options.padId ?? this.endId, 0, 2 ** 31 - 1, 'padId');
    const rows = texts.map((text, i) => wellFormedText(text, `text ${i}`));
    const { ids, mask } = check(this.raw.encodeBatch(rows, contextLength, padId));
    return { ids, attentionMask: mask, count: texts.length, contextLength };
  }

  /** The id of a vocabulary entry in CLIP's spelling (`"cat</w>"`), or -1. */
  tokenId(token: string): number {
    return check(this.raw.tokenId(wellFormedText(token, 'token')));
  }

  get startId(): number {
    return this.raw.startId();
  }
  get endId(): number {
    return this.raw.endId();
  }
  get vocabSize(): number {
    return this.raw.vocabSize();
  }
}

/** The text of a gzip file (CLIP's `bpe_simple_vocab_16e6.txt.gz`), with the platform's decompressor. */
export async function gunzipText(bytes: ArrayBuffer | Uint8Array): Promise<string> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}
