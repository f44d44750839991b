import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/js/**/*.test.ts', 'tests/e2e/**/*.test.ts', 'tests/consumer/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
