// The Worker bridge follows from one list: ClipscopeWorker has a proxy method for each engine
// method the Worker serves, each a method of Clipscope, and nothing else but index and delete.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Clipscope, ClipscopeWorker } from '../../dist/index.js';
import { ENGINE_METHODS } from '../../dist/engine/worker-protocol.js';

describe('the Worker bridge', () => {
  it('proxies exactly the engine methods of the one list, each a Clipscope method', () => {
    const own = Object.getOwnPropertyNames(ClipscopeWorker.prototype).filter((name) => name !== 'constructor');
    expect(own.sort()).toEqual([...ENGINE_METHODS, 'delete', 'index'].sort());
    for (const method of ENGINE_METHODS) expect(typeof Clipscope.prototype[method]).toBe('function');
    expect(typeof ClipscopeWorker.prototype[Symbol.asyncDispose]).toBe('function');
  });
});

// WebKit evaluates a Worker's entry module a second time when another module imports it, which
// started a second engine that had no model. The entry holds no code another chunk could need.
describe('the Worker entry', () => {
  it('imports nothing statically and exports nothing', () => {
    const source = readFileSync(new URL('../../dist/engine/worker.js', import.meta.url), 'utf8');
    expect(source.match(/^\s*import\s[^(]/gm)).toBeNull();
    expect(source.match(/^export\s/gm)).toEqual(['export ']);
    expect(source).toMatch(/^export \{\};$/m);
  });

  it('is imported by no chunk of an app bundled with Vite', () => {
    const assets = fileURLToPath(new URL('../../build/e2e-app/assets/', import.meta.url));
    const files = readdirSync(assets).filter((name) => name.endsWith('.js'));
    const entry = files.find((name) => name.startsWith('worker-') && !name.startsWith('worker-main'));
    expect(entry).toBeDefined();
    // The page's chunk names it only to start the Worker; no chunk imports from it.
    const importers = files.filter((name) =>
      /from\s*["']\.\/ENTRY["']/.test(readFileSync(join(assets, name), 'utf8').replace(entry!, 'ENTRY')),
    );
    expect(importers).toEqual([]);
  });
});
