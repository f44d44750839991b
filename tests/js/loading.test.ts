// Where the .wasm comes from: next to the module by default, or env.wasmPaths.
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, LoadError, coreThreads, env, init } from '../../dist/index.js';

describe('loading the core', () => {
  it('explains a wrong env.wasmPaths, then loads once it is fixed', async () => {
    const missing = new URL('../../build/no-such-dir/', import.meta.url);
    env.wasmPaths = missing;
    await expect(init()).rejects.toThrow(LoadError);
    // Node has threads where it has two cores: the shared-memory build is the one looked for.
    const file = os.availableParallelism() > 1 ? 'clipscope-core-threads.wasm' : 'clipscope-core.wasm';
    await expect(init()).rejects.toThrow(`could not load ${missing.href}${file}`);
    expect(() => new EmbeddingIndex(3)).toThrow('the clipscope core is not loaded yet: await init() first');

    // A full file URL names one build: the single-thread one here, and the core says so.
    env.wasmPaths = new URL('../../dist/wasm/clipscope-core.wasm', import.meta.url);
    await init();
    if (os.availableParallelism() > 1)
      expect(coreThreads()).toEqual({ count: 1, detail: 'env.wasmPaths names one .wasm file: one thread' });
    const index = await EmbeddingIndex.create(3);
    index.add(1, [1, 2, 3]);
    expect(index.search([1, 2, 3], 1).scores[0]).toBeCloseTo(1, 6);
    index.delete();
  });
});
