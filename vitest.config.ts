import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/js/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/consumer/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    // Starting a browser (Firefox, WebKit under Xvfb) can take a while on a loaded 2-core machine.
    hookTimeout: 120_000,
  },
});
