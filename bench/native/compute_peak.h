// The multiply-add throughput of one core with its operands in registers and L1 cache: the
// ceiling of a compute-bound kernel (a batch of queries scored against blocks of rows in cache).
#pragma once

struct ComputePeak {
  double mul_add_128 = 0;  // 128-bit multiply, then add: what WebAssembly SIMD has
  double fma_128 = 0;      // 128-bit fused multiply-add (relaxed SIMD's); 0 without FMA
  double fma_256 = 0;      // 256-bit fused multiply-add (AVX2; no WebAssembly equivalent)
};

// Best of `runs`, in billions of float multiply-adds per second.
ComputePeak MeasureComputePeak(int runs);
