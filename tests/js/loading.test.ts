// Where the .wasm comes from: next to the module by default, or env.wasmPaths.
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EmbeddingIndex, LoadError, coreThreads, env, init } from '../../dist/index.js';

describe('loading the core', () => {
  it('explains a wrong env.wasmPaths, then loads once it is fixed', async () => {
    const missing = new URL('../../build/no-such-dir/', import.meta.url);
    env.wasmPaths = missing;
    await expect(init()).rejects.toThrow(LoadError);
    // Node has threads where it has two cores: the shared-memory build is looked for first, then
    // the single-thread one, which the error names.
    await expect(init()).rejects.toThrow(`could not load ${missing.href}clipscope-core.wasm`);
    expect(() => new EmbeddingIndex(3)).toThrow('the clipscope core is not loaded yet: await init() first');

    // A self-hosted folder with only the single-thread build: it loads, and the core says why.
    const folder = mkdtempSync(join(os.tmpdir(), 'clipscope-wasm-'));
    copyFileSync(new URL('../../dist/wasm/clipscope-core.wasm', import.meta.url), join(folder, 'clipscope-core.wasm'));
    env.wasmPaths = `${pathToFileURL(folder).href}/`;
    await init();
    if (os.availableParallelism() > 1) {
      expect(coreThreads().count).toBe(1);
      expect(coreThreads().detail).toMatch(
        /^the threaded build did not load \(LoadError: could not load file:.*clipscope-core-threads\.wasm: .*ENOENT.*\): one thread$/,
      );
    }
    const index = await EmbeddingIndex.create(3);
    index.add(1, [1, 2, 3]);
    expect(index.search([1, 2, 3], 1).scores[0]).toBeCloseTo(1, 6);
    index.delete();
  });
});
