// The forces of UMAP's layout (umap_layout.cpp) on the curve 1 / (1 + a d^(2b)) that
// umap-learn fits for min_dist 0.1, spread 1: four at once (an edge's attraction and negative
// samples' repulsions side by side) with WASM SIMD or SSE2 — the layout's hottest loop — and
// the same arithmetic lane by lane without them.
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

// What a lane of Forces4 computes.
enum ForceKind : int32_t { kNoForce = 0, kAttract = 1, kRepel = 2 };

// The step of the head for a point at (dx, dy) = head - other, each coordinate clipped to
// [-4, 4]. Attraction: -2ab d^(2(b-1)) / (1 + a d^(2b)) (nothing for coinciding points).
// Repulsion: 2b / ((0.001 + d^2)(1 + a d^(2b))) (coinciding points are pushed at the clip).
inline void Force(ForceKind kind, float dx, float dy, float* gx, float* gy) {
  const float d2 = dx * dx + dy * dy;
  if (kind == kNoForce || (kind == kAttract && !(d2 > 0))) {
    *gx = *gy = 0;
    return;
  }
  if (!(d2 > 0)) {
    *gx = *gy = 4;
    return;
  }
  const float powered = PowB(d2);
  const float q = kA * powered + 1;
  const float coefficient =
      kind == kAttract ? -2 * kA * kB * powered / (d2 * q) : 2 * kB / ((0.001f + d2) * q);
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
      wasm_f32x4_pmax(wasm_f32x4_mul(wasm_f32x4_splat(kB), log2x), wasm_f32x4_splat(-126));
  const v128_t whole = wasm_i32x4_sub(
      wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_add(p, wasm_f32x4_splat(127))), wasm_i32x4_splat(127));
  const v128_t f = wasm_f32x4_sub(p, wasm_f32x4_convert_i32x4(whole));
  const v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(whole, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(Horner5(f, kExp2[0], kExp2[1], kExp2[2], kExp2[3], kExp2[4], kExp2[5]),
                        scale);
}

// Force for four points at once: lane l is `kind[l]` for the point (ox[l], oy[l]); the head
// is at (hx, hy). Writes each lane's step of the head to gx, gy.
inline void Forces4(float hx, float hy, const float ox[4], const float oy[4], const int32_t kind[4],
                    float gx[4], float gy[4]) {
  // Lanes put together one by one (their scalars were just stored: one wide load would wait).
  const v128_t dx =
      wasm_f32x4_sub(wasm_f32x4_splat(hx), wasm_f32x4_make(ox[0], ox[1], ox[2], ox[3]));
  const v128_t dy =
      wasm_f32x4_sub(wasm_f32x4_splat(hy), wasm_f32x4_make(oy[0], oy[1], oy[2], oy[3]));
  const v128_t kinds = wasm_i32x4_make(kind[0], kind[1], kind[2], kind[3]);
  const v128_t attract = wasm_i32x4_eq(kinds, wasm_i32x4_splat(kAttract));
  const v128_t none = wasm_i32x4_eq(kinds, wasm_i32x4_splat(kNoForce));
  const v128_t d2 = wasm_f32x4_add(wasm_f32x4_mul(dx, dx), wasm_f32x4_mul(dy, dy));
  const v128_t positive = wasm_f32x4_gt(d2, wasm_f32x4_splat(0));
  const v128_t safe = wasm_v128_bitselect(d2, wasm_f32x4_splat(1), positive);
  const v128_t powered = PowB4(safe);
  const v128_t q =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(kA), powered), wasm_f32x4_splat(1));
  // One division for both kinds: numerator / (denominator * q).
  const v128_t numerator = wasm_v128_bitselect(
      wasm_f32x4_mul(wasm_f32x4_splat(-2 * kA * kB), powered), wasm_f32x4_splat(2 * kB), attract);
  const v128_t denominator =
      wasm_v128_bitselect(safe, wasm_f32x4_add(wasm_f32x4_splat(0.001f), safe), attract);
  const v128_t coefficient = wasm_f32x4_div(numerator, wasm_f32x4_mul(denominator, q));
  const v128_t four = wasm_f32x4_splat(4);
  // pmin/pmax: one instruction each (min/max carry NaN rules that cost a sequence; no NaN here).
  auto clip = [&](v128_t g) {
    return wasm_f32x4_pmin(wasm_f32x4_pmax(g, wasm_f32x4_splat(-4)), four);
  };
  // Coinciding points: attraction nothing, repulsion the clip; unused lanes nothing.
  const v128_t at_zero = wasm_v128_andnot(four, attract);
  const v128_t x = wasm_v128_bitselect(clip(wasm_f32x4_mul(coefficient, dx)), at_zero, positive);
  const v128_t y = wasm_v128_bitselect(clip(wasm_f32x4_mul(coefficient, dy)), at_zero, positive);
  wasm_v128_store(gx, wasm_v128_andnot(x, none));
  wasm_v128_store(gy, wasm_v128_andnot(y, none));
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

inline void Forces4(float hx, float hy, const float ox[4], const float oy[4], const int32_t kind[4],
                    float gx[4], float gy[4]) {
  auto select = [](__m128 mask, __m128 a, __m128 b) {
    return _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b));
  };
  // Lanes put together one by one (their scalars were just stored: one wide load would wait).
  const __m128 dx = _mm_sub_ps(_mm_set1_ps(hx), _mm_setr_ps(ox[0], ox[1], ox[2], ox[3]));
  const __m128 dy = _mm_sub_ps(_mm_set1_ps(hy), _mm_setr_ps(oy[0], oy[1], oy[2], oy[3]));
  const __m128i kinds = _mm_setr_epi32(kind[0], kind[1], kind[2], kind[3]);
  const __m128 attract = _mm_castsi128_ps(_mm_cmpeq_epi32(kinds, _mm_set1_epi32(kAttract)));
  const __m128 none = _mm_castsi128_ps(_mm_cmpeq_epi32(kinds, _mm_set1_epi32(kNoForce)));
  const __m128 d2 = _mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy));
  const __m128 positive = _mm_cmpgt_ps(d2, _mm_setzero_ps());
  const __m128 safe = select(positive, d2, _mm_set1_ps(1));
  const __m128 powered = PowB4(safe);
  const __m128 q = _mm_add_ps(_mm_mul_ps(_mm_set1_ps(kA), powered), _mm_set1_ps(1));
  const __m128 numerator =
      select(attract, _mm_mul_ps(_mm_set1_ps(-2 * kA * kB), powered), _mm_set1_ps(2 * kB));
  const __m128 denominator = select(attract, safe, _mm_add_ps(_mm_set1_ps(0.001f), safe));
  const __m128 coefficient = _mm_div_ps(numerator, _mm_mul_ps(denominator, q));
  const __m128 four = _mm_set1_ps(4);
  auto clip = [&](__m128 g) { return _mm_min_ps(_mm_max_ps(g, _mm_set1_ps(-4)), four); };
  const __m128 at_zero = _mm_andnot_ps(attract, four);
  const __m128 x = select(positive, clip(_mm_mul_ps(coefficient, dx)), at_zero);
  const __m128 y = select(positive, clip(_mm_mul_ps(coefficient, dy)), at_zero);
  _mm_storeu_ps(gx, _mm_andnot_ps(none, x));
  _mm_storeu_ps(gy, _mm_andnot_ps(none, y));
}

#else  // no vectors: lane by lane

inline void Forces4(float hx, float hy, const float ox[4], const float oy[4], const int32_t kind[4],
                    float gx[4], float gy[4]) {
  for (int l = 0; l < 4; ++l) Force(ForceKind(kind[l]), hx - ox[l], hy - oy[l], &gx[l], &gy[l]);
}

#endif

}  // namespace clipscope
