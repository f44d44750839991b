// Out of memory in the single-thread build (what a page's main thread loads).
import { expect, it } from 'vitest';
import { coreThreads, env, init } from '../../dist/index.js';

env.threads = 1;
await import('./out-of-memory-cases.js');

it('ran on the single-thread build', async () => {
  await init();
  expect(coreThreads()).toEqual({ count: 1, detail: 'env.threads is 1' });
});
