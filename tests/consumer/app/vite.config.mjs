import { defineConfig } from 'vite';

// Nothing clipscope-specific: Vite follows the package's Worker and .wasm URLs by itself.
export default defineConfig({ build: { target: 'es2022' }, worker: { format: 'es' }, logLevel: 'warn' });
