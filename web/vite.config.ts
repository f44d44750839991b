import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page uses the built package (dist/) exactly as an app that installed `clipscope` would.
// Its public folder (the bundled test model and the sample photos) is assembled by
// scripts/prepare-demo-assets.sh into build/demo-public/.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: fileURLToPath(new URL('../build/demo-public', import.meta.url)),
  resolve: {
    alias: { clipscope: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
  },
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
  // Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
  server: { headers: isolation },
  preview: { host: '127.0.0.1', port: 5173, strictPort: false, headers: isolation },
});
