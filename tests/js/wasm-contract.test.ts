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
const GLUE = ['count_emval_handles'];
// Methods every Embind class handle has.
const CLASS_HANDLE = ['delete', 'isDeleted'];
const CLASSES = {
  EmbeddingIndex: 'RawIndex',
  IvfIndex: 'RawIvfIndex',
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

/** The property names (all, and the required ones) of what `Interface.method` returns, errors and undefined left out. */
function returnKeys(interfaceName: string, method: string): { all: string[]; required: string[] } {
  const symbol = declaredInterface(interfaceName).getProperty(method)!;
  const returned = checker.getTypeOfSymbol(symbol).getCallSignatures()[0].getReturnType();
  const parts = returned.isUnion() ? returned.types : [returned];
  const result = parts.filter((t) => !(t.flags & ts.TypeFlags.Undefined) && checker.typeToString(t) !== 'RawError');
  expect(result, `${interfaceName}.${method} returns one shape besides RawError`).toHaveLength(1);
  const properties = result[0].getProperties().filter((p) => !/^\d+$|^__/.test(p.name));
  const names = (list: ts.Symbol[]) => list.map((p) => p.name).sort();
  return { all: names(properties), required: names(properties.filter((p) => !(p.flags & ts.SymbolFlags.Optional))) };
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
        IvfIndex: () => m.createIvfIndex(3, 0, 0, false, 0, 0).index,
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
    const ivf = m.createIvfIndex(2, 0, 0, true, 0, 0).index;
    ivf.add(['a', 'b'], Float32Array.from([1, 0, 0, 1]));
    const arrayRows = { data, dim: 2 };
    const indexRows = { index };
    const calls: Array<[string, string, unknown]> = [
      ['RawModule', 'createIndex', m.createIndex(2, 0, 0)],
      ['RawModule', 'deserializeIndex', m.deserializeIndex(index.serialize())],
      ['RawModule', 'createIvfIndex', m.createIvfIndex(2, 0, 0, false, 0, 0)],
      ['RawModule', 'deserializeIvfIndex', m.deserializeIvfIndex(ivf.serialize())],
      ['RawIvfIndex', 'search', ivf.search(Float32Array.from([1, 0]), 2, 0, undefined)],
      ['RawIvfIndex', 'get', ivf.get('a')],
      ['RawIvfIndex', 'info', ivf.info()],
      ['RawIvfIndex', 'listRows', ivf.listRows(0)],
      ['RawIvfIndex', 'nearDuplicates', ivf.nearDuplicates(0.9)],
      ['RawModule', 'kmeans', m.kmeans(arrayRows, 2, kmeansOptions)],
      ['RawModule', 'kmeans', m.kmeans(indexRows, 2, kmeansOptions)],
      ['RawModule', 'silhouette', m.silhouette(arrayRows, Int32Array.from([0, 0, 1, 1, 1]), 0, 0, 0)],
      ['RawModule', 'autoK', m.autoK(arrayRows, 2, 3, kmeansOptions, 0)],
      ['RawModule', 'autoK', m.autoK(indexRows, 2, 3, kmeansOptions, 0)],
      ['RawModule', 'pca2d', m.pca2d(arrayRows)],
      ['RawModule', 'pca2d', m.pca2d(indexRows)],
      ['RawModule', 'createPreprocessor', m.createPreprocessor(PREPROCESS)],
      ['RawModule', 'createTokenizer', m.createTokenizer('a b\n', 1)],
      ['RawModule', 'normalizeRows', m.normalizeRows(data, 5, 2)],
      ['RawIndex', 'search', index.search(Float32Array.from([1, 0]), 2, undefined, false)],
      ['RawIndex', 'get', index.get('a')],
      ['RawIndex', 'rows', index.rows(undefined)],
      ['RawIndex', 'nearDuplicates', index.nearDuplicates(0.9)],
      ['RawTokenizer', 'encodeBatch', tokenizer.encodeBatch(['ab'], 4, 0)],
    ];
    for (const [interfaceName, method, result] of calls) {
      const keys = Object.keys(result as object).sort();
      const declared = returnKeys(interfaceName, method);
      expect(keys, `${interfaceName}.${method}`).toEqual(expect.arrayContaining(declared.required));
      expect(declared.all, `${interfaceName}.${method}`).toEqual(expect.arrayContaining(keys));
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
