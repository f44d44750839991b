// Which SIMD kernels the loaded core was built with.
import { core } from './core.js';

/** The SIMD implementation the core was compiled with (`'wasm-simd128'`). Needs `init()`. */
export function kernelName(): string {
  return core().kernelName();
}
