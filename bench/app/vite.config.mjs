import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The benchmark page, bundled like an app: clipscope from dist/, Transformers.js from bench/.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^clipscope$/, replacement: fileURLToPath(new URL('../../dist/index.js', import.meta.url)) },
      { find: /^clipscope\/advanced$/, replacement: fileURLToPath(new URL('../../dist/advanced.js', import.meta.url)) },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../data/app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
  },
  logLevel: 'warn',
});
