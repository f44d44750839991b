#include "compute_peak.h"

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>

#include <algorithm>
#include <chrono>

namespace {

// Ten independent sums, each of its own product (as a kernel scoring five queries against two
// rows): enough to cover the latency of an add or a fused multiply-add (3-5 cycles) on two
// pipes, so that throughput alone limits the loop. The factors that do not fit in registers
// are read from memory (L1), as a kernel's operands are.
constexpr int kSums = 10;
constexpr long kSteps = 50'000'000;

using Clock = std::chrono::steady_clock;

// One kernel's loop: sums[j] = STEP(sums[j], factor, x). The running operand x passes through
// an empty asm statement each step, so the compiler can neither fold the products nor hoist
// them out of the loop.
#define CLIPSCOPE_PEAK_LOOP(Vec, splat, zero, add, STEP)                                      \
  Vec sums[kSums], factors[kSums], x = splat(1.0f);                                           \
  for (int j = 0; j < kSums; ++j) sums[j] = zero(), factors[j] = splat(1e-6f * float(j + 1)); \
  for (long i = 0; i < steps; ++i) {                                                          \
    for (int j = 0; j < kSums; ++j) sums[j] = STEP(sums[j], factors[j], x);                   \
    __asm__ volatile("" : "+x"(x));                                                           \
  }                                                                                           \
  Vec total = sums[0];                                                                        \
  for (int j = 1; j < kSums; ++j) total = add(total, sums[j]);                                \
  return total[0]

#define CLIPSCOPE_MUL_ADD_128(sum, a, b) _mm_add_ps(sum, _mm_mul_ps(a, b))
#define CLIPSCOPE_FMA_128(sum, a, b) _mm_fmadd_ps(a, b, sum)
#define CLIPSCOPE_FMA_256(sum, a, b) _mm256_fmadd_ps(a, b, sum)

// 128-bit multiply then add, as WebAssembly engines emit it: with AVX's three-operand encoding
// where the processor has it (no register copies), else SSE's.
__attribute__((noinline, target("avx"))) float MulAdd128Avx(long steps) {
  CLIPSCOPE_PEAK_LOOP(__m128, _mm_set1_ps, _mm_setzero_ps, _mm_add_ps, CLIPSCOPE_MUL_ADD_128);
}
__attribute__((noinline)) float MulAdd128Sse(long steps) {
  CLIPSCOPE_PEAK_LOOP(__m128, _mm_set1_ps, _mm_setzero_ps, _mm_add_ps, CLIPSCOPE_MUL_ADD_128);
}
__attribute__((noinline, target("avx,fma"))) float Fma128(long steps) {
  CLIPSCOPE_PEAK_LOOP(__m128, _mm_set1_ps, _mm_setzero_ps, _mm_add_ps, CLIPSCOPE_FMA_128);
}
__attribute__((noinline, target("avx2,fma"))) float Fma256(long steps) {
  CLIPSCOPE_PEAK_LOOP(__m256, _mm256_set1_ps, _mm256_setzero_ps, _mm256_add_ps, CLIPSCOPE_FMA_256);
}

// Billions of multiply-adds per second of kernel(kSteps), `lanes` floats per operation.
template <class Kernel>
double Rate(Kernel kernel, int lanes, volatile float* sink) {
  const auto start = Clock::now();
  *sink = kernel(kSteps);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return double(kSums) * lanes * double(kSteps) / seconds / 1e9;
}

}  // namespace

ComputePeak MeasureComputePeak(int runs) {
  ComputePeak peak;
  volatile float sink = 0;
  const bool avx = __builtin_cpu_supports("avx"), fma = avx && __builtin_cpu_supports("fma"),
             avx2 = __builtin_cpu_supports("avx2");
  for (int r = 0; r < runs; ++r) {
    peak.mul_add_128 =
        std::max(peak.mul_add_128, Rate(avx ? MulAdd128Avx : MulAdd128Sse, 4, &sink));
    if (fma) peak.fma_128 = std::max(peak.fma_128, Rate(Fma128, 4, &sink));
    if (fma && avx2) peak.fma_256 = std::max(peak.fma_256, Rate(Fma256, 8, &sink));
  }
  return peak;
}

#else  // other processors: not measured (zeros), the benchmark then leaves the line out

ComputePeak MeasureComputePeak(int) { return {}; }

#endif
