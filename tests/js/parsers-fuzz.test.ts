// Property-based fuzzing (fast-check, seeded) of the TypeScript parsers of outside bytes: PNG,
// JPEG through the Node addon, image headers, EXIF orientation, .npy, preprocessor
// configs, a model's JSON files and typed search queries. On random and mutated valid inputs
// each must give a typed clipscope error or a correct result, never another exception (the
// test's time limit bounds the time).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sniffImageFormat } from '../../dist/images/image-header.js';
import { jpegOrientation } from '../../dist/images/image-header.js';
import { ClipscopeError, parseQuery } from '../../dist/index.js';
import {
  ClipModel,
  decodeImage,
  decodeNpy,
  encodeNpy,
  ImagePreprocessor,
  readImageHeader,
} from '../../dist/advanced.js';

const SEED = 20261129;
const models = fileURLToPath(new URL('../../build/models/', import.meta.url));
const shapes = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));

// A valid input with a few bytes overwritten, inserted or cut off.
function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    at: fc.nat({ max: valid.length }),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    kind: fc.constantFrom('set', 'insert', 'cut'),
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let out = valid.slice();
    for (const { at, bytes, kind } of edits) {
      if (kind === 'cut') out = out.slice(0, at);
      else if (kind === 'insert') out = new Uint8Array([...out.subarray(0, at), ...bytes, ...out.subarray(at)]);
      else out.set(bytes.subarray(0, Math.max(0, out.length - at)), Math.min(at, out.length));
    }
    return out;
  });
}

// Either a typed error or what `check` accepts as a correct result.
async function typedOrCorrect<T>(run: () => T | Promise<T>, check: (value: T) => void | Promise<void>): Promise<void> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(ClipscopeError);
    return;
  }
  await check(value);
}

function png(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(shapes, name)));
}

describe('parsers under random and mutated input', () => {
  it('PNG: DecodeError or pixels of exactly width x height x channels', async () => {
    const valid = readdirSync(shapes)
      .filter((f) => f.endsWith('.png'))
      .slice(0, 3)
      .map(png);
    const input = fc.oneof(fc.uint8Array({ maxLength: 256 }), ...valid.map(mutated));
    await fc.assert(
      fc.asyncProperty(input, (bytes) =>
        typedOrCorrect(
          () => decodeImage(bytes),
          (image) => {
            expect(image.data.length).toBe(image.width * image.height * image.channels);
          },
        ),
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('JPEG (the Node addon): DecodeError or pixels of exactly width x height x 3', async () => {
    const formats = fileURLToPath(new URL('../../build/reference/formats/', import.meta.url));
    const valid = [
      'photo-420.jpg',
      'photo-progressive.jpg',
      'photo-gray.jpg',
      'photo-cmyk.jpg',
      'photo-restart.jpg',
      // Large enough to be decoded in two bands on two threads.
      'large-420.jpg',
      'large-restart.jpg',
    ].map((name) => new Uint8Array(readFileSync(join(formats, name))));
    await fc.assert(
      fc.asyncProperty(fc.oneof(...valid.map(mutated)), (bytes) =>
        typedOrCorrect(
          () => decodeImage(bytes),
          (image) => {
            expect(image.channels).toBe(3);
            expect(image.data.length).toBe(image.width * image.height * 3);
          },
        ),
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('EXIF orientation: 1 to 8 for any JPEG-looking bytes, never an exception', () => {
    // A JPEG start, an APP1 Exif segment of random length and content, then anything.
    const exif = fc
      .tuple(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(0x49, 0x4d), fc.uint8Array({ maxLength: 40 }))
      .map(
        ([head, order, rest]) =>
          new Uint8Array([
            0xff,
            0xd8,
            0xff,
            0xe1,
            0,
            head.length + 16,
            0x45,
            0x78,
            0x69,
            0x66,
            0,
            0,
            order,
            order,
            ...head,
            ...rest,
          ]),
      );
    fc.assert(
      fc.property(
        fc.oneof(
          exif,
          fc.uint8Array({ maxLength: 64 }).map((b) => new Uint8Array([0xff, 0xd8, ...b])),
        ),
        (bytes) => {
          const orientation = jpegOrientation(bytes);
          expect(Number.isInteger(orientation) && orientation >= 1 && orientation <= 8).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('image headers: undefined or whole non-negative sizes, never an exception', () => {
    const valid = png(readdirSync(shapes).find((f) => f.endsWith('.png'))!);
    const signatures = [
      [0xff, 0xd8, 0xff],
      [0x47, 0x49, 0x46, 0x38],
      [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
      [0x42, 0x4d],
      [0x49, 0x49, 0x2a, 0],
      [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70], // ISO BMFF "ftyp": HEIC, HEIF, AVIF
    ];
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      mutated(valid),
      ...signatures.map((sig) => fc.uint8Array({ maxLength: 48 }).map((rest) => new Uint8Array([...sig, ...rest]))),
    );
    fc.assert(
      fc.property(input, (bytes) => {
        const header = readImageHeader(bytes);
        if (header) {
          expect(Number.isInteger(header.width) && header.width >= 0).toBe(true);
          expect(Number.isInteger(header.height) && header.height >= 0).toBe(true);
        }
        // The format sniffer names a known format or nothing, never throws.
        const format = sniffImageFormat(bytes);
        expect(
          format === undefined || /^(PNG|JPEG|GIF|WebP|BMP|TIFF|AVIF|HEIC|HEIF|JPEG XL|PSD|ICO)$/.test(format),
        ).toBe(true);
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('.npy: CorruptDataError or the rows it declares', async () => {
    const valid = encodeNpy(
      Float32Array.from({ length: 12 }, (_, i) => i / 3),
      3,
      4,
    );
    const input = fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(valid));
    await fc.assert(
      fc.asyncProperty(input, (bytes) =>
        typedOrCorrect(
          () => decodeNpy(bytes),
          ({ data, rows, cols }) => {
            expect(data.length).toBe(rows * cols);
          },
        ),
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('preprocessor configs: InvalidArgumentError or a preprocessor whose output size is what the config says', async () => {
    const size = fc.oneof(
      fc.integer({ min: -5, max: 70000 }),
      fc.double(),
      fc.constantFrom(2 ** 31, 2 ** 32 + 1, 33554433),
    );
    const config = fc.record(
      {
        size: fc.oneof(
          size,
          fc.record({ shortest_edge: size }),
          fc.record({ height: size, width: size }),
          fc.constant(null),
        ),
        crop_size: fc.oneof(size, fc.record({ height: size, width: size })),
        resample: fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constant('bicubic')),
        image_mean: fc.oneof(fc.array(fc.double(), { maxLength: 4 }), fc.double()),
        do_resize: fc.boolean(),
        do_center_crop: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const json = fc.oneof(
      config,
      fc.jsonValue(),
      fc.string().map((s) => s as unknown),
    );
    await fc.assert(
      fc.asyncProperty(json, (value) =>
        typedOrCorrect(
          () => ImagePreprocessor.create(value as object),
          (preprocessor) => {
            const out = preprocessor.outputSize(64, 48);
            if (preprocessor.config.doCenterCrop)
              expect([out.width, out.height]).toEqual([preprocessor.config.cropWidth, preprocessor.config.cropHeight]);
            preprocessor.delete();
          },
        ),
      ),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("a model's JSON files: ModelLoadError naming the file, or a model that embeds", async () => {
    const folder = join(models, 'clip-tiny');
    const files: Record<string, Uint8Array> = {};
    const walk = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
        else files[`${prefix}${name}`] = new Uint8Array(readFileSync(path));
      }
    };
    walk(folder, '');
    const jsonFiles = ['config.json', 'preprocessor_config.json', 'tokenizer_config.json', 'tokenizer.json'];
    const encoder = new TextEncoder();
    const damaged = fc.oneof(
      fc.record({
        file: fc.constantFrom(...jsonFiles),
        bytes: fc.jsonValue().map((v) => encoder.encode(JSON.stringify(v) ?? '')),
      }),
      fc.record({
        file: fc.constantFrom(...jsonFiles.slice(0, 3)),
        bytes: fc
          .constant(0)
          .chain(() => fc.constantFrom(...jsonFiles.slice(0, 3)))
          .chain((f) => mutated(files[f])),
      }),
      fc.record({
        file: fc.constant('config.json'),
        bytes: fc
          .oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31 + 77, 2 ** 32, 0, 77))
          .map((n) => encoder.encode(JSON.stringify({ text_config: { max_position_embeddings: n } }))),
      }),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async ({ file, bytes }) => {
        await typedOrCorrect(
          () => ClipModel.load({ ...files, [file]: bytes }, { dtype: 'fp32' }),
          async (model) => {
            const embeddings = await model.embedTexts(['a red photo']);
            expect(embeddings.length).toBe(model.dim);
            await model.delete();
          },
        );
      }),
      { seed: SEED, numRuns: 40 },
    );
  }, 180_000);

  it('search queries: every term kept once, in order, quotes and "-" never lost or doubled', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('-', '"', '-"', ' ', '  ', '\t', '-x', '"a b"', '-"c d"', '--', 'é', '🙂'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const text = pieces.join('');
        const parsed = parseQuery(text);
        expect(typeof parsed.text).toBe('string');
        for (const term of parsed.exclude) expect(term.length).toBeGreaterThan(0);
        // Nothing is invented: every word of the result comes from the text.
        for (const word of [...parsed.text.split(' '), ...parsed.exclude.join(' ').split(' ')])
          expect(text).toContain(word);
      }),
      { seed: SEED, numRuns: 500 },
    );
    // A long query is one pass (the test's time limit would catch a quadratic one).
    const long = '-a "b c" d '.repeat(20_000);
    expect(parseQuery(long).exclude).toHaveLength(20_000);
  });
});
