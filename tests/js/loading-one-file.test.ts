// env.wasmPaths naming one .wasm file names one build: the single-thread one is loaded, and the
// core says why it has one thread (its own file: the core loads once per process).
import os from 'node:os';
import { expect, it } from 'vitest';
import { EmbeddingIndex, coreThreads, env, init } from '../../dist/index.js';

it('loads the named file, on one thread, and says so', async () => {
  env.wasmPaths = new URL('../../dist/wasm/clipscope-core.wasm', import.meta.url);
  await init();
  expect(coreThreads()).toEqual(
    os.availableParallelism() > 1
      ? { count: 1, detail: 'env.wasmPaths names one .wasm file: one thread' }
      : { count: 1, detail: 'one core: one thread' },
  );
  const index = await EmbeddingIndex.create(2);
  index.add('a', [1, 0]);
  expect(index.search([1, 0], 1).ids).toEqual(['a']);
  index.delete();
});
