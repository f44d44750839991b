import { defineConfig } from 'vitest/config';

// The cross-engine embedding measurement (not a test): run by `npm run bench -- engines`.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['bench/engines/*.measure.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
