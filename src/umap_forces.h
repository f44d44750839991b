// The forces of UMAP's layout (umap_layout.cpp) on the curve 1 / (1 + a d^(2b)) that
// umap-learn fits for min_dist 0.1, spread 1; the repulsion of four negative samples at once
// with WASM SIMD or SSE2 (the layout's hottest loop), the same arithmetic lane by lane.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "simd.h"

namespace clipscope {

constexpr float kA = 1.5769434603f;
constexpr float kB = 0.8950608781f;
// log2(1 + t) on [0, 1) and 2^f on [0, 1): degree-5 polynomials fitted on Chebyshev nodes.
constexpr float kLog2[6] = {1.43909300e-05f, 1.44159208f,   -0.707253434f,
                            0.411561482f,    -0.189832447f, 0.0439286278f};
constexpr float kExp2[6] = {0.9999999f,  0.69315462f, 0.24014077f,
                            0.05586328f, 0.00894621f, 0.00189511f};

// x^kB for x > 0 as 2^(kB log2 x), both from the float's bits and degree-5 polynomials fitted
// on Chebyshev nodes (relative error below 2e-5, far below the noise of stochastic gradient
// descent; no division, so many run at once; std::pow made the layout four times slower).
inline float PowB(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  const int32_t exponent = int32_t(bits >> 23) - 127;
  const uint32_t mantissa_bits = (bits & 0x007FFFFFu) | 0x3F800000u;
  float m;
  std::memcpy(&m, &mantissa_bits, 4);
  const float t = m - 1;
  const float log2x =
      float(exponent) +
      (kLog2[0] + t * (kLog2[1] + t * (kLog2[2] + t * (kLog2[3] + t * (kLog2[4] + t * kLog2[5])))));
  const float p = std::max(kB * log2x, -126.0f);
  const int32_t whole = int32_t(p + 127.0f) - 127;  // floor: p + 127 >= 1, so truncation floors
  const float f = p - float(whole);
  const float fraction =
      kExp2[0] + f * (kExp2[1] + f * (kExp2[2] + f * (kExp2[3] + f * (kExp2[4] + f * kExp2[5]))));
  const uint32_t scale_bits = uint32_t(whole + 127) << 23;
  float scale;
  std::memcpy(&scale, &scale_bits, 4);
  return fraction * scale;
}

// The repulsion of a point at (dx, dy) from the head: 2b / ((0.001 + d^2)(a d^(2b) + 1)) times
// (dx, dy), each clipped to [-4, 4]; coinciding points are pushed apart at the clip.
inline void Repel(float dx, float dy, float* gx, float* gy) {
  const float d2 = dx * dx + dy * dy;
  if (!(d2 > 0)) {
    *gx = *gy = 4;
    return;
  }
  const float coefficient = 2 * kB / ((0.001f + d2) * (kA * PowB(d2) + 1));
  *gx = std::clamp(coefficient * dx, -4.0f, 4.0f);
  *gy = std::clamp(coefficient * dy, -4.0f, 4.0f);
}

#if defined(CLIPSCOPE_SIMD_WASM)

// c0 + x (c1 + x (c2 + x (c3 + x (c4 + x c5)))), the coefficients as vector constants.
inline v128_t Horner5(v128_t x, float c0, float c1, float c2, float c3, float c4, float c5) {
  v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(c5), x), wasm_f32x4_splat(c4));
  v = wasm_f32x4_add(wasm_f32x4_mul(v, x), wasm_f32x4_splat(c3));
  v = wasm_f32x4_add(wasm_f32x4_mul(v, x), wasm_f32x4_splat(c2));
  v = wasm_f32x4_add(wasm_f32x4_mul(v, x), wasm_f32x4_splat(c1));
  return wasm_f32x4_add(wasm_f32x4_mul(v, x), wasm_f32x4_splat(c0));
}

// PowB of four positive floats.
inline v128_t PowB4(v128_t x) {
  const v128_t exponent =
      wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_u32x4_shr(x, 23), wasm_i32x4_splat(127)));
  const v128_t m =
      wasm_v128_or(wasm_v128_and(x, wasm_i32x4_splat(0x007FFFFF)), wasm_i32x4_splat(0x3F800000));
  const v128_t log2x =
      wasm_f32x4_add(exponent, Horner5(wasm_f32x4_sub(m, wasm_f32x4_splat(1)), kLog2[0], kLog2[1],
                                       kLog2[2], kLog2[3], kLog2[4], kLog2[5]));
  const v128_t p =
      wasm_f32x4_max(wasm_f32x4_mul(wasm_f32x4_splat(kB), log2x), wasm_f32x4_splat(-126));
  const v128_t whole = wasm_i32x4_sub(
      wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_add(p, wasm_f32x4_splat(127))), wasm_i32x4_splat(127));
  const v128_t f = wasm_f32x4_sub(p, wasm_f32x4_convert_i32x4(whole));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(whole, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(Horner5(f, kExp2[0], kExp2[1], kExp2[2], kExp2[3], kExp2[4], kExp2[5]),
                        scale);
}

// Adds to (rx, ry) the repulsions of four points (`others`, rows of y) from the head at
// (hx, hy); a sample that is the head itself adds nothing.
inline void Repel4(float hx, float hy, const float* y, const uint32_t others[4], uint32_t head,
                   float* rx, float* ry) {
  const v128_t ox = wasm_f32x4_make(y[2 * size_t(others[0])], y[2 * size_t(others[1])],
                                    y[2 * size_t(others[2])], y[2 * size_t(others[3])]);
  const v128_t oy = wasm_f32x4_make(y[2 * size_t(others[0]) + 1], y[2 * size_t(others[1]) + 1],
                                    y[2 * size_t(others[2]) + 1], y[2 * size_t(others[3]) + 1]);
  const v128_t dx = wasm_f32x4_sub(wasm_f32x4_splat(hx), ox);
  const v128_t dy = wasm_f32x4_sub(wasm_f32x4_splat(hy), oy);
  const v128_t d2 = wasm_f32x4_add(wasm_f32x4_mul(dx, dx), wasm_f32x4_mul(dy, dy));
  const v128_t positive = wasm_f32x4_gt(d2, wasm_f32x4_splat(0));
  const v128_t safe = wasm_v128_bitselect(d2, wasm_f32x4_splat(1), positive);
  const v128_t coefficient = wasm_f32x4_div(
      wasm_f32x4_splat(2 * kB),
      wasm_f32x4_mul(
          wasm_f32x4_add(wasm_f32x4_splat(0.001f), safe),
          wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(kA), PowB4(safe)), wasm_f32x4_splat(1))));
  const v128_t four = wasm_f32x4_splat(4);
  auto clip = [&](v128_t g) {
    return wasm_f32x4_min(wasm_f32x4_max(g, wasm_f32x4_splat(-4)), four);
  };
  v128_t gx = wasm_v128_bitselect(clip(wasm_f32x4_mul(coefficient, dx)), four, positive);
  v128_t gy = wasm_v128_bitselect(clip(wasm_f32x4_mul(coefficient, dy)), four, positive);
  const v128_t self = wasm_i32x4_eq(wasm_i32x4_make(int32_t(others[0]), int32_t(others[1]),
                                                    int32_t(others[2]), int32_t(others[3])),
                                    wasm_i32x4_splat(int32_t(head)));
  gx = wasm_v128_andnot(gx, self);
  gy = wasm_v128_andnot(gy, self);
  *rx += wasm_f32x4_extract_lane(gx, 0) + wasm_f32x4_extract_lane(gx, 1) +
         wasm_f32x4_extract_lane(gx, 2) + wasm_f32x4_extract_lane(gx, 3);
  *ry += wasm_f32x4_extract_lane(gy, 0) + wasm_f32x4_extract_lane(gy, 1) +
         wasm_f32x4_extract_lane(gy, 2) + wasm_f32x4_extract_lane(gy, 3);
}

#elif defined(CLIPSCOPE_SIMD_SSE2)

// c0 + x (c1 + x (c2 + x (c3 + x (c4 + x c5)))), the coefficients as vector constants.
inline __m128 Horner5(__m128 x, float c0, float c1, float c2, float c3, float c4, float c5) {
  __m128 v = _mm_add_ps(_mm_mul_ps(_mm_set1_ps(c5), x), _mm_set1_ps(c4));
  v = _mm_add_ps(_mm_mul_ps(v, x), _mm_set1_ps(c3));
  v = _mm_add_ps(_mm_mul_ps(v, x), _mm_set1_ps(c2));
  v = _mm_add_ps(_mm_mul_ps(v, x), _mm_set1_ps(c1));
  return _mm_add_ps(_mm_mul_ps(v, x), _mm_set1_ps(c0));
}

inline __m128 PowB4(__m128 x) {
  const __m128i bits = _mm_castps_si128(x);
  const __m128 exponent =
      _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
  const __m128 m = _mm_castsi128_ps(
      _mm_or_si128(_mm_and_si128(bits, _mm_set1_epi32(0x007FFFFF)), _mm_set1_epi32(0x3F800000)));
  const __m128 log2x =
      _mm_add_ps(exponent, Horner5(_mm_sub_ps(m, _mm_set1_ps(1)), kLog2[0], kLog2[1], kLog2[2],
                                   kLog2[3], kLog2[4], kLog2[5]));
  const __m128 p = _mm_max_ps(_mm_mul_ps(_mm_set1_ps(kB), log2x), _mm_set1_ps(-126));
  const __m128i whole =
      _mm_sub_epi32(_mm_cvttps_epi32(_mm_add_ps(p, _mm_set1_ps(127))), _mm_set1_epi32(127));
  const __m128 f = _mm_sub_ps(p, _mm_cvtepi32_ps(whole));
  const __m128 scale =
      _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(whole, _mm_set1_epi32(127)), 23));
  return _mm_mul_ps(Horner5(f, kExp2[0], kExp2[1], kExp2[2], kExp2[3], kExp2[4], kExp2[5]), scale);
}

inline void Repel4(float hx, float hy, const float* y, const uint32_t others[4], uint32_t head,
                   float* rx, float* ry) {
  const __m128 ox = _mm_setr_ps(y[2 * size_t(others[0])], y[2 * size_t(others[1])],
                                y[2 * size_t(others[2])], y[2 * size_t(others[3])]);
  const __m128 oy = _mm_setr_ps(y[2 * size_t(others[0]) + 1], y[2 * size_t(others[1]) + 1],
                                y[2 * size_t(others[2]) + 1], y[2 * size_t(others[3]) + 1]);
  const __m128 dx = _mm_sub_ps(_mm_set1_ps(hx), ox);
  const __m128 dy = _mm_sub_ps(_mm_set1_ps(hy), oy);
  const __m128 d2 = _mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy));
  const __m128 positive = _mm_cmpgt_ps(d2, _mm_setzero_ps());
  auto select = [](__m128 mask, __m128 a, __m128 b) {
    return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
  };
  const __m128 safe = select(positive, d2, _mm_set1_ps(1));
  const __m128 coefficient =
      _mm_div_ps(_mm_set1_ps(2 * kB),
                 _mm_mul_ps(_mm_add_ps(_mm_set1_ps(0.001f), safe),
                            _mm_add_ps(_mm_mul_ps(_mm_set1_ps(kA), PowB4(safe)), _mm_set1_ps(1))));
  const __m128 four = _mm_set1_ps(4);
  auto clip = [&](__m128 g) { return _mm_min_ps(_mm_max_ps(g, _mm_set1_ps(-4)), four); };
  __m128 gx = select(positive, clip(_mm_mul_ps(coefficient, dx)), four);
  __m128 gy = select(positive, clip(_mm_mul_ps(coefficient, dy)), four);
  const __m128 self =
      _mm_castsi128_ps(_mm_cmpeq_epi32(_mm_setr_epi32(int32_t(others[0]), int32_t(others[1]),
                                                      int32_t(others[2]), int32_t(others[3])),
                                       _mm_set1_epi32(int32_t(head))));
  gx = _mm_andnot_ps(self, gx);
  gy = _mm_andnot_ps(self, gy);
  alignas(16) float lx[4], ly[4];
  _mm_store_ps(lx, gx);
  _mm_store_ps(ly, gy);
  *rx += lx[0] + lx[1] + lx[2] + lx[3];
  *ry += ly[0] + ly[1] + ly[2] + ly[3];
}

#else  // no vectors: four scalar samples

inline void Repel4(float hx, float hy, const float* y, const uint32_t others[4], uint32_t head,
                   float* rx, float* ry) {
  for (int l = 0; l < 4; ++l) {
    if (others[l] == head) continue;
    float gx, gy;
    Repel(hx - y[2 * size_t(others[l])], hy - y[2 * size_t(others[l]) + 1], &gx, &gy);
    *rx += gx, *ry += gy;
  }
}

#endif

}  // namespace clipscope
