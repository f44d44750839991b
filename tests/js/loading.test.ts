// Where the .wasm comes from: next to the module by default, or env.wasmPaths.
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, LoadError, env, init } from '../../dist/index.js';

describe('loading the core', () => {
  it('explains a wrong env.wasmPaths, then loads once it is fixed', async () => {
    const missing = new URL('../../build/no-such-dir/', import.meta.url);
    env.wasmPaths = missing;
    await expect(init()).rejects.toThrow(LoadError);
    await expect(init()).rejects.toThrow(`could not load ${missing.href}clipscope-core.wasm`);
    expect(() => new EmbeddingIndex(3)).toThrow('the clipscope core is not loaded yet: await init() first');

    env.wasmPaths = new URL('../../dist/wasm/clipscope-core.wasm', import.meta.url);
    await init();
    const index = await EmbeddingIndex.create(3);
    index.add(1, [1, 2, 3]);
    expect(index.search([1, 2, 3], 1).scores[0]).toBeCloseTo(1, 6);
    index.delete();
  });
});
