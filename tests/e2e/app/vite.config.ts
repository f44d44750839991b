import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The pipeline test page, bundled from the built package (dist/) as an installed `clipscope`
// would be: Vite follows the Worker and onnxruntime-web's .wasm files.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^clipscope$/, replacement: fileURLToPath(new URL('../../../dist/index.js', import.meta.url)) },
      {
        find: /^clipscope\/advanced$/,
        replacement: fileURLToPath(new URL('../../../dist/advanced.js', import.meta.url)),
      },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../../../build/e2e-app', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // onnxruntime-web's runtime and libheif (loaded only for HEIC files) are large single chunks.
    chunkSizeWarningLimit: 2500,
  },
  worker: { format: 'es' },
  logLevel: 'warn',
});
