import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

// The page uses the built package (dist/) exactly as an app that installed `clipscope` would.
// Its public folder (the bundled test model and the sample photos) is assembled by
// scripts/prepare-demo-assets.sh into build/demo-public/.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

// The isolation headers on every response, 304 Not Modified included: Vite's `headers` option
// leaves them off a 304, and WebKit then refuses to start the Worker on a reload (its
// revalidated script no longer says it may be embedded).
const isolateEveryResponse: Connect.NextHandleFunction = (_request, response, next) => {
  for (const [name, value] of Object.entries(isolation)) response.setHeader(name, value);
  next();
};
const crossOriginIsolation: Plugin = {
  name: 'cross-origin-isolation',
  configureServer: (server) => void server.middlewares.use(isolateEveryResponse),
  configurePreviewServer: (server) => void server.middlewares.use(isolateEveryResponse),
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  publicDir: fileURLToPath(new URL('../build/demo-public', import.meta.url)),
  resolve: {
    alias: [
      { find: /^clipscope\/advanced$/, replacement: fileURLToPath(new URL('../dist/advanced.js', import.meta.url)) },
      { find: /^clipscope$/, replacement: fileURLToPath(new URL('../dist/index.js', import.meta.url)) },
    ],
  },
  build: {
    outDir: fileURLToPath(new URL('../build/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // onnxruntime-web's runtime and libheif (loaded only for HEIC files) are large single chunks.
    chunkSizeWarningLimit: 2500,
  },
  worker: { format: 'es' },
  // Cross-origin isolation lets onnxruntime-web use WASM threads (SharedArrayBuffer).
  plugins: [crossOriginIsolation],
  preview: { host: '127.0.0.1', port: 5173, strictPort: false },
});
