// The WASM contract is checked, not trusted: the raw module's TypeScript types
// (lib/wasm/raw-module.ts) are read with the TypeScript compiler and compared with what the
// bindings register at run time — every function and class method by name and arity, and the
// keys of what a call returns. A binding change the types miss fails here.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { core, init } from '../../dist/wasm/core.js';

const source = fileURLToPath(new URL('../../lib/wasm/raw-module.ts', import.meta.url));
// Members of RawModule that Emscripten's glue provides, not the bindings.
const GLUE = ['count_emval_handles', 'HEAP8'];
// Methods every Embind class handle has.
const CLASS_HANDLE = ['delete', 'isDeleted'];
const CLASSES = {
  EmbeddingIndex: 'RawIndex',
  ClipTokenizer: 'RawTokenizer',
  ImagePreprocessor: 'RawPreprocessor',
} as const;

const program = ts.createProgram([source], { strict: true, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
const checker = program.getTypeChecker();
const file = program.getSourceFile(source)!;

function declaredInterface(name: string): ts.Type {
  let found: ts.Type | undefined;
  ts.forEachChild(file, (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === name) found = checker.getTypeAtLocation(node);
  });
  if (!found) throw new Error(`raw-module.ts declares no ${name}`);
  return found;
}

/** name → number of parameters, for the interface's methods. */
function methodsOf(name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const symbol of declaredInterface(name).getProperties()) {
    const signatures = checker.getTypeOfSymbol(symbol).getCallSignatures();
    if (signatures.length) out[symbol.name] = signatures[0].getParameters().length;
  }
  return out;
}

/** The property names of what `Interface.method` returns, errors and undefined left out. */
function returnKeys(interfaceName: string, method: string): string[] {
  const symbol = declaredInterface(interfaceName).getProperty(method)!;
  const returned = checker.getTypeOfSymbol(symbol).getCallSignatures()[0].getReturnType();
  const parts = returned.isUnion() ? returned.types : [returned];
  const result = parts.filter((t) => !(t.flags & ts.TypeFlags.Undefined) && checker.typeToString(t) !== 'RawError');
  expect(result, `${interfaceName}.${method} returns one shape besides RawError`).toHaveLength(1);
  return result[0]
    .getProperties()
    .map((p) => p.name)
    .sort();
}

// Embind checks the argument count: calling with none names the number it expects.
function arityOf(fn: () => unknown): number {
  try {
    fn();
    return 0;
  } catch (error) {
    const expected = /expected (\d+) args?/.exec(String(error));
    if (!expected) throw error;
    return Number(expected[1]);
  }
}

let m: Record<string, any>;
beforeAll(async () => {
  await init();
  m = core() as unknown as Record<string, any>;
});

describe('the WASM contract', () => {
  it('declares exactly the functions the bindings register, with their arity', () => {
    const registered = Object.fromEntries(
      Object.keys(m)
        .filter((k) => typeof m[k] === 'function' && m[k].argCount !== undefined)
        .map((k) => [k, m[k].argCount as number]),
    );
    const declared = methodsOf('RawModule');
    for (const name of GLUE) delete declared[name];
    expect(declared).toEqual(registered);
  });

  it('declares exactly the methods of each bound class, with their arity', () => {
    for (const [className, interfaceName] of Object.entries(CLASSES)) {
      const bound = Object.getOwnPropertyNames(m[className].prototype)
        .filter((k) => k !== 'constructor')
        .sort();
      const declared = methodsOf(interfaceName);
      for (const name of CLASS_HANDLE) delete declared[name];
      expect(Object.keys(declared).sort(), interfaceName).toEqual(bound);
      const fresh = {
        EmbeddingIndex: () => m.createIndex(3, 0, 0).index,
        ClipTokenizer: () => m.createTokenizer('a b\n', 1).tokenizer,
        ImagePreprocessor: () => m.createPreprocessor(PREPROCESS).preprocessor,
      }[className];
      for (const method of bound) {
        const handle = fresh();
        expect(
          arityOf(() => handle[method]()),
          `${className}.${method}`,
        ).toBe(declared[method]);
        handle.delete();
      }
    }
  });

  it('gets back objects with the keys the types declare', () => {
    const data = Float32Array.from([0, 0, 0, 1, 5, 5, 5, 6, 9, 9]);
    const kmeansOptions = { init: 0, nInit: 1, maxIter: 10, tol: 1e-4, seed: 0, metric: 0, miniBatch: 0 };
    const index = m.createIndex(2, 0, 0).index;
    index.add(['a', 'b', 'c', 'd'], Float32Array.from([1, 0, 0, 1, 1, 1, 1, 2]));
    const tokenizer = m.createTokenizer('a b\n', 1).tokenizer;
    const calls: Array<[string, string, unknown]> = [
      ['RawModule', 'createIndex', m.createIndex(2, 0, 0)],
      ['RawModule', 'deserializeIndex', m.deserializeIndex(index.serialize())],
      ['RawModule', 'kmeans', m.kmeans(data, 2, 2, kmeansOptions)],
      ['RawModule', 'silhouette', m.silhouette(data, 2, Int32Array.from([0, 0, 1, 1, 1]), 0, 0, 0)],
      ['RawModule', 'autoK', m.autoK(data, 2, 2, 3, kmeansOptions, 0)],
      ['RawModule', 'pca2d', m.pca2d(data, 2)],
      ['RawModule', 'createPreprocessor', m.createPreprocessor(PREPROCESS)],
      ['RawModule', 'createTokenizer', m.createTokenizer('a b\n', 1)],
      ['RawModule', 'normalizeRows', m.normalizeRows(data, 5, 2)],
      ['RawIndex', 'search', index.search(Float32Array.from([1, 0]), 2, undefined, false)],
      ['RawIndex', 'get', index.get('a')],
      ['RawIndex', 'rows', index.rows(undefined)],
      ['RawIndex', 'kmeans', index.kmeans(2, kmeansOptions, undefined)],
      ['RawIndex', 'autoK', index.autoK(2, 3, kmeansOptions, 0, undefined)],
      ['RawIndex', 'pca2d', index.pca2d(undefined)],
      ['RawIndex', 'nearDuplicates', index.nearDuplicates(0.9)],
      ['RawTokenizer', 'encodeBatch', tokenizer.encodeBatch(['ab'], 4, 0)],
    ];
    for (const [interfaceName, method, result] of calls) {
      expect(Object.keys(result as object).sort(), `${interfaceName}.${method}`).toEqual(
        returnKeys(interfaceName, method),
      );
      for (const value of Object.values(result as object)) value?.delete?.();
    }
    index.delete();
    tokenizer.delete();
  });
});

const PREPROCESS = {
  doResize: true,
  shortestEdge: 8,
  resizeHeight: 0,
  resizeWidth: 0,
  resample: 3,
  doCenterCrop: true,
  cropHeight: 8,
  cropWidth: 8,
  doRescale: true,
  rescaleFactor: 1 / 255,
  doNormalize: true,
  imageMean: [0, 0, 0],
  imageStd: [1, 1, 1],
  maxPixels: 1000,
};
