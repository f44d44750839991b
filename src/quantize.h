// Symmetric scalar quantisation with one scale per vector: int8 codes, and the int16 codes of
// the coarse quantizer's centroids.
//
// The SIMD loops give exactly the plain loops' values: the largest magnitude is the same in any
// order, and each code is its own product rounded to nearest even and clamped, lane by lane.
// The compiler left the plain loops scalar (fmax and the clamp are not vector operations to
// it): a third of the time of adding int8 rows went to them.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "simd.h"

namespace clipscope {
namespace quantize_detail {

// max |x[i]| of d finite floats.
inline float MaxAbs(const float* x, size_t d) {
  float max_abs = 0;
  size_t i = 0;
#if defined(CLIPSCOPE_SIMD_WASM)
  v128_t m = wasm_f32x4_splat(0);
  for (; i + 4 <= d; i += 4) m = wasm_f32x4_pmax(m, wasm_f32x4_abs(wasm_v128_load(x + i)));
  float l[4];
  wasm_v128_store(l, m);
  for (float v : l) max_abs = std::fmax(max_abs, v);
#elif defined(CLIPSCOPE_SIMD_SSE2)
  const __m128 magnitude = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
  __m128 m = _mm_setzero_ps();
  for (; i + 4 <= d; i += 4) m = _mm_max_ps(m, _mm_and_ps(magnitude, _mm_loadu_ps(x + i)));
  float l[4];
  _mm_storeu_ps(l, m);
  for (float v : l) max_abs = std::fmax(max_abs, v);
#endif
  for (; i < d; ++i) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  return max_abs;
}

template <class Code>
inline Code RoundedCode(float x, float inverse, float limit) {
  return static_cast<Code>(std::fmin(limit, std::fmax(-limit, std::nearbyint(x * inverse))));
}

// codes[i] = x[i] * inverse rounded to nearest even, clamped to [-limit, limit].
template <class Code>
inline void RoundedCodes(const float* x, size_t d, float inverse, float limit, Code* codes) {
  static_assert(std::is_same_v<Code, int8_t> || std::is_same_v<Code, int16_t>);
  size_t i = 0;
#if defined(CLIPSCOPE_SIMD_WASM)
  const v128_t k = wasm_f32x4_splat(inverse), lo = wasm_f32x4_splat(-limit),
               hi = wasm_f32x4_splat(limit);
  auto four = [&](size_t at) {
    const v128_t q = wasm_f32x4_nearest(wasm_f32x4_mul(wasm_v128_load(x + at), k));
    return wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_pmin(hi, wasm_f32x4_pmax(lo, q)));
  };
  auto eight = [&](size_t at) { return wasm_i16x8_narrow_i32x4(four(at), four(at + 4)); };
  if constexpr (sizeof(Code) == 1) {
    for (; i + 16 <= d; i += 16)
      wasm_v128_store(codes + i, wasm_i8x16_narrow_i16x8(eight(i), eight(i + 8)));
  } else {
    for (; i + 8 <= d; i += 8) wasm_v128_store(codes + i, eight(i));
  }
#elif defined(CLIPSCOPE_SIMD_SSE2)
  // Clamped as floats first, the value before the bound: max and min return their second
  // operand for a NaN (0 x Inf when the factor overflows), -limit as fmax gives. cvtps2dq then
  // rounds to nearest even (the default rounding).
  const __m128 k = _mm_set1_ps(inverse), lo = _mm_set1_ps(-limit), hi = _mm_set1_ps(limit);
  auto four = [&](size_t at) {
    return _mm_cvtps_epi32(_mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(x + at), k), lo), hi));
  };
  auto eight = [&](size_t at) { return _mm_packs_epi32(four(at), four(at + 4)); };
  if constexpr (sizeof(Code) == 1) {
    for (; i + 16 <= d; i += 16)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i),
                       _mm_packs_epi16(eight(i), eight(i + 8)));
  } else {
    for (; i + 8 <= d; i += 8) _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i), eight(i));
  }
#endif
  for (; i < d; ++i) codes[i] = RoundedCode<Code>(x[i], inverse, limit);
}

}  // namespace quantize_detail

// Writes d codes in [-limit, limit] to codes and returns the scale: x[i] ~= codes[i] * scale.
// x: d finite floats; limit: a whole number that Code holds. A zero vector gets scale 0 and
// zero codes.
template <class Code>
inline float QuantizeSymmetric(const float* x, size_t d, float limit, Code* codes) {
  const float max_abs = quantize_detail::MaxAbs(x, d);
  if (max_abs == 0) {
    for (size_t i = 0; i < d; ++i) codes[i] = 0;
    return 0;
  }
  quantize_detail::RoundedCodes(x, d, limit / max_abs, limit, codes);
  return max_abs / limit;
}

// QuantizeSymmetric to [-127, 127]. Code: int8_t, or int16_t for codes that a kernel reads
// widened.
template <class Code>
inline float QuantizeInt8(const float* x, size_t d, Code* codes) {
  return QuantizeSymmetric(x, d, 127.0f, codes);
}

// out: d floats, codes[i] * scale.
inline void DequantizeInt8(const int8_t* codes, float scale, size_t d, float* out) {
  size_t i = 0;
#if defined(CLIPSCOPE_SIMD_WASM)
  const v128_t k = wasm_f32x4_splat(scale);
  for (; i + 8 <= d; i += 8) {
    const v128_t wide = wasm_i16x8_load8x8(codes + i);
    wasm_v128_store(out + i,
                    wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_low_i16x8(wide)), k));
    wasm_v128_store(
        out + i + 4,
        wasm_f32x4_mul(wasm_f32x4_convert_i32x4(wasm_i32x4_extend_high_i16x8(wide)), k));
  }
#elif defined(CLIPSCOPE_SIMD_SSE2)
  const __m128 k = _mm_set1_ps(scale);
  for (; i + 8 <= d; i += 8) {
    const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes + i));
    const __m128i wide = _mm_srai_epi16(_mm_unpacklo_epi8(bytes, bytes), 8);
    _mm_storeu_ps(
        out + i,
        _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(wide, wide), 16)), k));
    _mm_storeu_ps(
        out + i + 4,
        _mm_mul_ps(_mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(wide, wide), 16)), k));
  }
#endif
  for (; i < d; ++i) out[i] = float(codes[i]) * scale;
}

}  // namespace clipscope
