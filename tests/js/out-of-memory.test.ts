// Out of memory in the build Node loads by default: the shared-memory one, where there are two
// cores (its C++ catches differ: see src/size_limits.h).
import os from 'node:os';
import { expect, it } from 'vitest';
import { coreThreads, init } from '../../dist/index.js';
import './out-of-memory-cases.js';

it('ran on the build with threads where there are two cores', async () => {
  await init();
  expect(coreThreads().count).toBe(Math.min(8, os.availableParallelism()));
});
