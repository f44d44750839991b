// Dot-product kernels: one canonical summation order, three implementations.
//
// Every float kernel sums in the same order so that WASM, native and scalar builds give
// bit-identical scores (and single and batch searches agree exactly):
//   1. element i of the first floor(d/8)*8 goes to lane i % 8 (a[i]*b[i], then add; no FMA),
//   2. lanes fold as s[j] = lane[j] + lane[j+4], then (s[0] + s[2]) + (s[1] + s[3]),
//   3. the remaining d % 8 products are added one by one.
// Integer kernels (int8, int16) accumulate exactly in int32, so any order gives the same result.
// The implementation is chosen at compile time: wasm SIMD128, SSE2 on x86, else scalar.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define CLIPSCOPE_SIMD_WASM 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#define CLIPSCOPE_SIMD_SSE2 1
#if defined(__SSSE3__)
#include <tmmintrin.h>
#endif
#endif

namespace clipscope {

// Plain loops in the canonical order: the reference every SIMD kernel must equal.
namespace scalar {

inline float Dot(const float* a, const float* b, size_t d) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (int j = 0; j < 8; ++j) lane[j] = lane[j] + a[i + j] * b[i + j];
  }
  float s[4];
  for (int j = 0; j < 4; ++j) s[j] = lane[j] + lane[j + 4];
  float sum = (s[0] + s[2]) + (s[1] + s[3]);
  for (; i < d; ++i) sum = sum + a[i] * b[i];
  return sum;
}

// Squared euclidean distance in the same canonical order as Dot, on (a[i] - b[i])^2.
inline float SquaredDistance(const float* a, const float* b, size_t d) {
  float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    for (int j = 0; j < 8; ++j) {
      const float diff = a[i + j] - b[i + j];
      lane[j] = lane[j] + diff * diff;
    }
  }
  float s[4];
  for (int j = 0; j < 4; ++j) s[j] = lane[j] + lane[j + 4];
  float sum = (s[0] + s[2]) + (s[1] + s[3]);
  for (; i < d; ++i) {
    const float diff = a[i] - b[i];
    sum = sum + diff * diff;
  }
  return sum;
}

inline int32_t DotI8(const int8_t* a, const int8_t* b, size_t d) {
  int32_t sum = 0;
  for (size_t i = 0; i < d; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

inline int32_t DotI16(const int16_t* a, const int16_t* b, size_t d) {
  int32_t sum = 0;
  for (size_t i = 0; i < d; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

}  // namespace scalar

namespace simd {

#if defined(CLIPSCOPE_SIMD_WASM)

inline float FoldLanes(v128_t lo, v128_t hi) {
  v128_t s = wasm_f32x4_add(lo, hi);
  v128_t t = wasm_f32x4_add(s, wasm_i32x4_shuffle(s, s, 2, 3, 2, 3));
  return wasm_f32x4_extract_lane(t, 0) + wasm_f32x4_extract_lane(t, 1);
}

// One 8-wide step of one (query, row) pair: two 4-lane halves.
#define CLIPSCOPE_STEP(lo, hi, qa, qb, r)                         \
  lo = wasm_f32x4_add(lo, wasm_f32x4_mul(qa, wasm_v128_load(r))); \
  hi = wasm_f32x4_add(hi, wasm_f32x4_mul(qb, wasm_v128_load((r) + 4)))

inline float Dot(const float* a, const float* b, size_t d) {
  v128_t lo = wasm_f32x4_splat(0), hi = lo;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    v128_t qa = wasm_v128_load(a + i), qb = wasm_v128_load(a + i + 4);
    CLIPSCOPE_STEP(lo, hi, qa, qb, b + i);
  }
  float sum = FoldLanes(lo, hi);
  for (; i < d; ++i) sum = sum + a[i] * b[i];
  return sum;
}

inline float SquaredDistance(const float* a, const float* b, size_t d) {
  v128_t lo = wasm_f32x4_splat(0), hi = lo;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    v128_t da = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    v128_t db = wasm_f32x4_sub(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4));
    lo = wasm_f32x4_add(lo, wasm_f32x4_mul(da, da));
    hi = wasm_f32x4_add(hi, wasm_f32x4_mul(db, db));
  }
  float sum = FoldLanes(lo, hi);
  for (; i < d; ++i) sum = sum + (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

// out = {q0.r0, q0.r1, q1.r0, q1.r1}: two points against two others in one pass (short
// vectors; DotMx2 for long ones).
inline void Dot2x2(const float* q0, const float* q1, const float* r0, const float* r1, size_t d,
                   float out[4]) {
  v128_t l00 = wasm_f32x4_splat(0), h00 = l00, l01 = l00, h01 = l00, l10 = l00, h10 = l00,
         l11 = l00, h11 = l00;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    v128_t a0 = wasm_v128_load(q0 + i), b0 = wasm_v128_load(q0 + i + 4);
    v128_t a1 = wasm_v128_load(q1 + i), b1 = wasm_v128_load(q1 + i + 4);
    CLIPSCOPE_STEP(l00, h00, a0, b0, r0 + i);
    CLIPSCOPE_STEP(l01, h01, a0, b0, r1 + i);
    CLIPSCOPE_STEP(l10, h10, a1, b1, r0 + i);
    CLIPSCOPE_STEP(l11, h11, a1, b1, r1 + i);
  }
  float s00 = FoldLanes(l00, h00), s01 = FoldLanes(l01, h01), s10 = FoldLanes(l10, h10),
        s11 = FoldLanes(l11, h11);
  for (; i < d; ++i) {
    s00 = s00 + q0[i] * r0[i];
    s01 = s01 + q0[i] * r1[i];
    s10 = s10 + q1[i] * r0[i];
    s11 = s11 + q1[i] * r1[i];
  }
  out[0] = s00, out[1] = s01, out[2] = s10, out[3] = s11;
}

#undef CLIPSCOPE_STEP

// Sign-extends the low / high 8 bytes to int16 lanes.
inline v128_t WidenLow(v128_t v) { return wasm_i16x8_extend_low_i8x16(v); }
inline v128_t WidenHigh(v128_t v) { return wasm_i16x8_extend_high_i8x16(v); }

inline v128_t DotI8Step(v128_t acc, v128_t a, v128_t b) {
  acc = wasm_i32x4_add(
      acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(a), wasm_i16x8_extend_low_i8x16(b)));
  return wasm_i32x4_add(
      acc, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(a), wasm_i16x8_extend_high_i8x16(b)));
}

inline int32_t SumLanes(v128_t v) {
  return wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1) +
         wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
}

// Resampling helpers (src/resample.cpp): eight bytes times a 32-bit weight, exactly.
using I32x4 = v128_t;
inline I32x4 SplatI32(int32_t v) { return wasm_i32x4_splat(v); }
inline void WidenU8x8MulAdd(const uint8_t* p, int32_t k, I32x4* lo, I32x4* hi) {
  const v128_t w = wasm_u16x8_load8x8(p);
  const v128_t kk = wasm_i32x4_splat(k);
  *lo = wasm_i32x4_add(*lo, wasm_i32x4_mul(wasm_u32x4_extend_low_u16x8(w), kk));
  *hi = wasm_i32x4_add(*hi, wasm_i32x4_mul(wasm_u32x4_extend_high_u16x8(w), kk));
}
// out[0..8) = clamp(sum >> shift, 0, 255), as Pillow's clip8.
inline void StoreClippedU8x8(I32x4 lo, I32x4 hi, int shift, uint8_t* out) {
  const v128_t s16 = wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(lo, shift), wasm_i32x4_shr(hi, shift));
  const int64_t bytes = wasm_i64x2_extract_lane(wasm_u8x16_narrow_i16x8(s16, s16), 0);
  std::memcpy(out, &bytes, 8);
}

// Horizontal resampling: two neighbouring pixels (C = 3 or 4 channels) as int16 pairs
// {ch0 p0, ch0 p1, ch1 p0, ch1 p1, ...}, dotted with two taps' weights per channel.
#define CLIPSCOPE_SIMD_PAIR_RESAMPLE 1
using I16x8 = v128_t;
template <int C>
inline I16x8 PairChannels(const uint8_t* p) {
  const v128_t bytes = wasm_v128_load64_zero(p);
  // Index 16+ selects 0: the high byte of every int16 lane.
  if (C == 3)
    return wasm_i8x16_swizzle(
        bytes, wasm_i8x16_make(0, 16, 3, 16, 1, 16, 4, 16, 2, 16, 5, 16, 16, 16, 16, 16));
  return wasm_i8x16_swizzle(
      bytes, wasm_i8x16_make(0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3, 16, 7, 16));
}
inline I16x8 LoadI16x8(const int16_t* p) { return wasm_v128_load(p); }
inline I32x4 DotPairs(I16x8 a, I16x8 b) { return wasm_i32x4_dot_i16x8(a, b); }
inline I32x4 AddI32(I32x4 a, I32x4 b) { return wasm_i32x4_add(a, b); }
inline I32x4 ShlI32(I32x4 a, int n) { return wasm_i32x4_shl(a, n); }
inline void StoreI32x4(int32_t* out, I32x4 v) { wasm_v128_store(out, v); }
#elif defined(CLIPSCOPE_SIMD_SSE2)

inline float FoldLanes(__m128 lo, __m128 hi) {
  __m128 s = _mm_add_ps(lo, hi);
  __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(t) + _mm_cvtss_f32(_mm_shuffle_ps(t, t, 1));
}

#define CLIPSCOPE_STEP(lo, hi, qa, qb, r)               \
  lo = _mm_add_ps(lo, _mm_mul_ps(qa, _mm_loadu_ps(r))); \
  hi = _mm_add_ps(hi, _mm_mul_ps(qb, _mm_loadu_ps((r) + 4)))

inline float Dot(const float* a, const float* b, size_t d) {
  __m128 lo = _mm_setzero_ps(), hi = lo;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    __m128 qa = _mm_loadu_ps(a + i), qb = _mm_loadu_ps(a + i + 4);
    CLIPSCOPE_STEP(lo, hi, qa, qb, b + i);
  }
  float sum = FoldLanes(lo, hi);
  for (; i < d; ++i) sum = sum + a[i] * b[i];
  return sum;
}

inline float SquaredDistance(const float* a, const float* b, size_t d) {
  __m128 lo = _mm_setzero_ps(), hi = lo;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    __m128 da = _mm_sub_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i));
    __m128 db = _mm_sub_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4));
    lo = _mm_add_ps(lo, _mm_mul_ps(da, da));
    hi = _mm_add_ps(hi, _mm_mul_ps(db, db));
  }
  float sum = FoldLanes(lo, hi);
  for (; i < d; ++i) sum = sum + (a[i] - b[i]) * (a[i] - b[i]);
  return sum;
}

inline void Dot2x2(const float* q0, const float* q1, const float* r0, const float* r1, size_t d,
                   float out[4]) {
  __m128 l00 = _mm_setzero_ps(), h00 = l00, l01 = l00, h01 = l00, l10 = l00, h10 = l00, l11 = l00,
         h11 = l00;
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    __m128 a0 = _mm_loadu_ps(q0 + i), b0 = _mm_loadu_ps(q0 + i + 4);
    __m128 a1 = _mm_loadu_ps(q1 + i), b1 = _mm_loadu_ps(q1 + i + 4);
    CLIPSCOPE_STEP(l00, h00, a0, b0, r0 + i);
    CLIPSCOPE_STEP(l01, h01, a0, b0, r1 + i);
    CLIPSCOPE_STEP(l10, h10, a1, b1, r0 + i);
    CLIPSCOPE_STEP(l11, h11, a1, b1, r1 + i);
  }
  float s00 = FoldLanes(l00, h00), s01 = FoldLanes(l01, h01), s10 = FoldLanes(l10, h10),
        s11 = FoldLanes(l11, h11);
  for (; i < d; ++i) {
    s00 = s00 + q0[i] * r0[i];
    s01 = s01 + q0[i] * r1[i];
    s10 = s10 + q1[i] * r0[i];
    s11 = s11 + q1[i] * r1[i];
  }
  out[0] = s00, out[1] = s01, out[2] = s10, out[3] = s11;
}

#undef CLIPSCOPE_STEP

// Sign-extends the low / high 8 bytes to int16 lanes (SSE2 has no pmovsx).
inline __m128i WidenLow(__m128i v) { return _mm_srai_epi16(_mm_unpacklo_epi8(v, v), 8); }
inline __m128i WidenHigh(__m128i v) { return _mm_srai_epi16(_mm_unpackhi_epi8(v, v), 8); }

inline __m128i DotI8Step(__m128i acc, __m128i a, __m128i b) {
  acc = _mm_add_epi32(acc, _mm_madd_epi16(WidenLow(a), WidenLow(b)));
  return _mm_add_epi32(acc, _mm_madd_epi16(WidenHigh(a), WidenHigh(b)));
}

inline int32_t SumLanes(__m128i v) {
  alignas(16) int32_t lane[4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lane), v);
  return lane[0] + lane[1] + lane[2] + lane[3];
}

using I32x4 = __m128i;
inline I32x4 SplatI32(int32_t v) { return _mm_set1_epi32(v); }
// 32-bit lane multiply (low 32 bits) without SSE4.1's pmulld.
inline __m128i MulLo32(__m128i a, __m128i b) {
  const __m128i even = _mm_mul_epu32(a, b);
  const __m128i odd = _mm_mul_epu32(_mm_srli_si128(a, 4), _mm_srli_si128(b, 4));
  return _mm_unpacklo_epi32(_mm_shuffle_epi32(even, _MM_SHUFFLE(0, 0, 2, 0)),
                            _mm_shuffle_epi32(odd, _MM_SHUFFLE(0, 0, 2, 0)));
}
inline void WidenU8x8MulAdd(const uint8_t* p, int32_t k, I32x4* lo, I32x4* hi) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i w = _mm_unpacklo_epi8(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)), zero);
  const __m128i kk = _mm_set1_epi32(k);
  *lo = _mm_add_epi32(*lo, MulLo32(_mm_unpacklo_epi16(w, zero), kk));
  *hi = _mm_add_epi32(*hi, MulLo32(_mm_unpackhi_epi16(w, zero), kk));
}
inline void StoreClippedU8x8(I32x4 lo, I32x4 hi, int shift, uint8_t* out) {
  const __m128i count = _mm_cvtsi32_si128(shift);
  const __m128i s16 = _mm_packs_epi32(_mm_sra_epi32(lo, count), _mm_sra_epi32(hi, count));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(s16, s16));
}

#if defined(__SSSE3__)
#define CLIPSCOPE_SIMD_PAIR_RESAMPLE 1
using I16x8 = __m128i;
template <int C>
inline I16x8 PairChannels(const uint8_t* p) {
  const __m128i bytes = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  // Index with the high bit set selects 0: the high byte of every int16 lane.
  if (C == 3)
    return _mm_shuffle_epi8(
        bytes, _mm_setr_epi8(0, -1, 3, -1, 1, -1, 4, -1, 2, -1, 5, -1, -1, -1, -1, -1));
  return _mm_shuffle_epi8(bytes,
                          _mm_setr_epi8(0, -1, 4, -1, 1, -1, 5, -1, 2, -1, 6, -1, 3, -1, 7, -1));
}
inline I16x8 LoadI16x8(const int16_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline I32x4 DotPairs(I16x8 a, I16x8 b) { return _mm_madd_epi16(a, b); }
inline I32x4 AddI32(I32x4 a, I32x4 b) { return _mm_add_epi32(a, b); }
inline I32x4 ShlI32(I32x4 a, int n) { return _mm_sll_epi32(a, _mm_cvtsi32_si128(n)); }
inline void StoreI32x4(int32_t* out, I32x4 v) {
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), v);
}
#endif

#else  // scalar build: the reference is the implementation

inline float Dot(const float* a, const float* b, size_t d) { return scalar::Dot(a, b, d); }

inline float SquaredDistance(const float* a, const float* b, size_t d) {
  return scalar::SquaredDistance(a, b, d);
}

inline void Dot2x2(const float* q0, const float* q1, const float* r0, const float* r1, size_t d,
                   float out[4]) {
  out[0] = scalar::Dot(q0, r0, d), out[1] = scalar::Dot(q0, r1, d);
  out[2] = scalar::Dot(q1, r0, d), out[3] = scalar::Dot(q1, r1, d);
}

inline void Dot1x4(const float* q, const float* r0, const float* r1, const float* r2,
                   const float* r3, size_t d, float out[4]) {
  out[0] = scalar::Dot(q, r0, d), out[1] = scalar::Dot(q, r1, d);
  out[2] = scalar::Dot(q, r2, d), out[3] = scalar::Dot(q, r3, d);
}

constexpr size_t kMaxDotBlock = 5;

inline void DotMx2(const float* const* q, size_t m, const float* r0, const float* r1, size_t d,
                   float* out) {
  for (size_t j = 0; j < m; ++j) {
    out[2 * j] = scalar::Dot(q[j], r0, d), out[2 * j + 1] = scalar::Dot(q[j], r1, d);
  }
}

constexpr size_t kMaxDotI8Block = 4;

inline void DotI8Mx2(const int16_t* const* q, size_t m, const int8_t* r0, const int8_t* r1,
                     size_t d, int32_t* out) {
  for (size_t j = 0; j < m; ++j) {
    out[2 * j] = out[2 * j + 1] = 0;
    for (size_t t = 0; t < d; ++t) {
      out[2 * j] += int32_t(q[j][t]) * r0[t], out[2 * j + 1] += int32_t(q[j][t]) * r1[t];
    }
  }
}

#endif

#if defined(CLIPSCOPE_SIMD_WASM) || defined(CLIPSCOPE_SIMD_SSE2)

#if defined(CLIPSCOPE_SIMD_WASM)
using F32x4 = v128_t;
inline F32x4 ZeroF32() { return wasm_f32x4_splat(0); }
inline F32x4 LoadF32(const float* p) { return wasm_v128_load(p); }
inline F32x4 AddProduct(F32x4 acc, F32x4 a, const float* b) {
  return wasm_f32x4_add(acc, wasm_f32x4_mul(a, wasm_v128_load(b)));
}
inline F32x4 AddProductOf(F32x4 acc, F32x4 a, F32x4 b) {
  return wasm_f32x4_add(acc, wasm_f32x4_mul(a, b));
}
using I8Vec = v128_t;
inline I8Vec LoadI8(const int8_t* p) { return wasm_v128_load(p); }
inline I8Vec ZeroI32() { return wasm_i32x4_splat(0); }
inline I8Vec LoadI16(const int16_t* p) { return wasm_v128_load(p); }
// acc + pairwise sums of the eight int16 products (pmaddwd).
inline I8Vec AddPairProducts(I8Vec acc, I8Vec a, I8Vec b) {
  return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(a, b));
}
#else
using F32x4 = __m128;
inline F32x4 ZeroF32() { return _mm_setzero_ps(); }
inline F32x4 LoadF32(const float* p) { return _mm_loadu_ps(p); }
inline F32x4 AddProduct(F32x4 acc, F32x4 a, const float* b) {
  return _mm_add_ps(acc, _mm_mul_ps(a, _mm_loadu_ps(b)));
}
inline F32x4 AddProductOf(F32x4 acc, F32x4 a, F32x4 b) { return _mm_add_ps(acc, _mm_mul_ps(a, b)); }
using I8Vec = __m128i;
inline I8Vec LoadI8(const int8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline I8Vec ZeroI32() { return _mm_setzero_si128(); }
inline I8Vec LoadI16(const int16_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}
inline I8Vec AddPairProducts(I8Vec acc, I8Vec a, I8Vec b) {
  return _mm_add_epi32(acc, _mm_madd_epi16(a, b));
}
#endif

// out[j] = q.r_j for four rows read side by side: four memory streams keep more loads in
// flight than one (a lone query is bound by memory), each row summed in the canonical order.
// Two 8-wide steps per iteration: V8 does not unroll loops (up to 20% faster at 100,000 rows).
// Always inlined in the loop over rows that calls it: V8 spills and reloads that loop's values
// around a call.
__attribute__((always_inline)) inline void Dot1x4(const float* q, const float* r0, const float* r1,
                                                  const float* r2, const float* r3, size_t d,
                                                  float out[4]) {
  // The pointers advance instead of an index: each load is then its row's pointer plus a
  // constant, which a WebAssembly load carries as its offset (one add per row per iteration,
  // not one per load).
  const float* r[4] = {r0, r1, r2, r3};
  const float* x = q;
  F32x4 lo[4] = {ZeroF32(), ZeroF32(), ZeroF32(), ZeroF32()}, hi[4] = {lo[0], lo[0], lo[0], lo[0]};
  auto step = [&](size_t o) {
    const F32x4 qa = LoadF32(x + o), qb = LoadF32(x + o + 4);
    for (int j = 0; j < 4; ++j) {
      lo[j] = AddProduct(lo[j], qa, r[j] + o);
      hi[j] = AddProduct(hi[j], qb, r[j] + o + 4);
    }
  };
  auto advance = [&](size_t by) {
    x += by;
    for (int j = 0; j < 4; ++j) r[j] += by;
  };
  size_t left = d;
  for (; left >= 16; left -= 16) step(0), step(8), advance(16);
  if (left >= 8) step(0), advance(8), left -= 8;
  for (int j = 0; j < 4; ++j) {
    float sum = FoldLanes(lo[j], hi[j]);
    for (size_t t = 0; t < left; ++t) sum = sum + x[t] * r[j][t];
    out[j] = sum;
  }
}

// One pass of DotMx2: acc[2m + j] = the four lanes [offset, offset + 4) of every eight
// elements of q[m] . r_j, over `blocks` blocks of eight. Out of line so that the engine
// allocates registers for this loop alone: 2M accumulators, two rows and a query.
template <int M>
__attribute__((noinline)) void DotLanesMx2(const float* const* q, const float* r0, const float* r1,
                                           size_t blocks, size_t offset, F32x4* acc) {
  F32x4 sum[2 * M];
  for (int j = 0; j < 2 * M; ++j) sum[j] = ZeroF32();
  for (size_t i = offset; i < blocks * 8; i += 8) {
    const F32x4 x0 = LoadF32(r0 + i), x1 = LoadF32(r1 + i);
    for (int m = 0; m < M; ++m) {
      const F32x4 query = LoadF32(q[m] + i);
      sum[2 * m] = AddProductOf(sum[2 * m], query, x0);
      sum[2 * m + 1] = AddProductOf(sum[2 * m + 1], query, x1);
    }
  }
  for (int j = 0; j < 2 * M; ++j) acc[j] = sum[j];
}

// The most points DotMx2 takes at once.
constexpr size_t kMaxDotBlock = 5;

// out[2j + r] = q[j] . row r for m points (1 to kMaxDotBlock) and two rows, each in the
// canonical order: the register block of batch search and k-means. Lanes 0-3 and lanes 4-7
// are summed in two passes, so that the 16 vector registers hold the block without spilling
// (Dot2x2's eight accumulators and four query halves do not fit): five points run twice as
// fast as Dot2x2 in V8 at 512 dims. Out of line: one copy, whatever calls it.
__attribute__((noinline)) inline void DotMx2(const float* const* q, size_t m, const float* r0,
                                             const float* r1, size_t d, float* out) {
  const size_t blocks = d / 8;
  if (blocks < 16) {  // below 128 dims two calls per block cost more than the spills
    size_t j = 0;
    for (; j + 2 <= m; j += 2) Dot2x2(q[j], q[j + 1], r0, r1, d, out + 2 * j);
    if (j < m) out[2 * j] = Dot(q[j], r0, d), out[2 * j + 1] = Dot(q[j], r1, d);
    return;
  }
  F32x4 lo[2 * kMaxDotBlock], hi[2 * kMaxDotBlock];
  switch (m) {
#define CLIPSCOPE_LANES(M)                    \
  case M:                                     \
    DotLanesMx2<M>(q, r0, r1, blocks, 0, lo); \
    DotLanesMx2<M>(q, r0, r1, blocks, 4, hi); \
    break
    CLIPSCOPE_LANES(1);
    CLIPSCOPE_LANES(2);
    CLIPSCOPE_LANES(3);
    CLIPSCOPE_LANES(4);
    CLIPSCOPE_LANES(5);
#undef CLIPSCOPE_LANES
    default:
      return;
  }
  for (size_t j = 0; j < m; ++j) {
    for (size_t r = 0; r < 2; ++r) {
      const float* row = r ? r1 : r0;
      float sum = FoldLanes(lo[2 * j + r], hi[2 * j + r]);
      for (size_t t = blocks * 8; t < d; ++t) sum = sum + q[j][t] * row[t];
      out[2 * j + r] = sum;
    }
  }
}

// The most points DotI8Mx2 takes at once (four measured fastest in V8).
constexpr size_t kMaxDotI8Block = 4;

// One DotI8Mx2 of M points: out[2m + r] = q[m] . row r over `chunks` chunks of 16.
template <int M>
__attribute__((noinline)) void DotI8ChunksMx2(const int16_t* const* q, const int8_t* r0,
                                              const int8_t* r1, size_t chunks, int32_t* out) {
  I8Vec sum[2 * M];
  for (int j = 0; j < 2 * M; ++j) sum[j] = ZeroI32();
  for (size_t i = 0; i < chunks * 16; i += 16) {
    const I8Vec a = LoadI8(r0 + i), b = LoadI8(r1 + i);
    const I8Vec a_low = WidenLow(a), a_high = WidenHigh(a), b_low = WidenLow(b),
                b_high = WidenHigh(b);
    for (int m = 0; m < M; ++m) {
      const I8Vec low = LoadI16(q[m] + i), high = LoadI16(q[m] + i + 8);
      sum[2 * m] = AddPairProducts(AddPairProducts(sum[2 * m], low, a_low), high, a_high);
      sum[2 * m + 1] = AddPairProducts(AddPairProducts(sum[2 * m + 1], low, b_low), high, b_high);
    }
  }
  for (int j = 0; j < 2 * M; ++j) out[j] = SumLanes(sum[j]);
}

// out[2j + r] = q[j] . row r, exactly, for m points (1 to kMaxDotI8Block) of int8 values
// widened to int16 once per batch, and two int8 rows: the rows are widened once for all m
// points.
__attribute__((noinline)) inline void DotI8Mx2(const int16_t* const* q, size_t m, const int8_t* r0,
                                               const int8_t* r1, size_t d, int32_t* out) {
  const size_t chunks = d / 16;
  switch (m) {
    case 1:
      DotI8ChunksMx2<1>(q, r0, r1, chunks, out);
      break;
    case 2:
      DotI8ChunksMx2<2>(q, r0, r1, chunks, out);
      break;
    case 3:
      DotI8ChunksMx2<3>(q, r0, r1, chunks, out);
      break;
    case 4:
      DotI8ChunksMx2<4>(q, r0, r1, chunks, out);
      break;
    default:
      return;
  }
  for (size_t j = 0; j < m; ++j) {
    for (size_t t = chunks * 16; t < d; ++t) {
      out[2 * j] += int32_t(q[j][t]) * r0[t], out[2 * j + 1] += int32_t(q[j][t]) * r1[t];
    }
  }
}

#endif

// Calls block(first, size) for blocks of points [first, first + size) that cover [0, count):
// as few blocks of at most `largest` as can be, as even as can be (six points in blocks of
// five are 3 + 3, not 5 + 1: a block of one runs at half the speed).
template <typename Block>
inline void ForEachDotBlock(size_t count, size_t largest, Block&& block) {
  const size_t blocks = (count + largest - 1) / largest;
  for (size_t b = 0, first = 0; b < blocks; ++b) {
    const size_t size = count / blocks + (b < count % blocks ? 1 : 0);
    block(first, size);
    first += size;
  }
}

#if defined(CLIPSCOPE_SIMD_WASM) || defined(CLIPSCOPE_SIMD_SSE2)

inline int32_t DotI8(const int8_t* a, const int8_t* b, size_t d) {
  I8Vec acc = ZeroI32();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) acc = DotI8Step(acc, LoadI8(a + i), LoadI8(b + i));
  int32_t sum = SumLanes(acc);
  for (; i < d; ++i) sum += int32_t(a[i]) * int32_t(b[i]);
  return sum;
}

// out[j] = q . r_j, exactly, for four rows of int8 codes and a query already widened to int16
// (d values): the query is widened once, not once per row, and its loads are shared by the four
// rows, so a lone int8 query takes about a third fewer operations per row than with DotI8.
// Always inlined in the loop over rows that calls it (see Dot1x4).
__attribute__((always_inline)) inline void DotWideI8x4(const int16_t* q, const int8_t* r0,
                                                       const int8_t* r1, const int8_t* r2,
                                                       const int8_t* r3, size_t d, int32_t out[4]) {
  const int8_t* r[4] = {r0, r1, r2, r3};
  I8Vec acc[4] = {ZeroI32(), ZeroI32(), ZeroI32(), ZeroI32()};
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    const I8Vec lo = LoadI16(q + i), hi = LoadI16(q + i + 8);
    for (int j = 0; j < 4; ++j) {
      const I8Vec v = LoadI8(r[j] + i);
      acc[j] = AddPairProducts(AddPairProducts(acc[j], lo, WidenLow(v)), hi, WidenHigh(v));
    }
  }
  for (int j = 0; j < 4; ++j) {
    int32_t sum = SumLanes(acc[j]);
    for (size_t t = i; t < d; ++t) sum += int32_t(q[t]) * r[j][t];
    out[j] = sum;
  }
}

// out[4 * j + r] = c_j . row r (at rows + r * stride), j in 0..1, r in 0..3, over d int16
// values, d a multiple of 8: a 2 x 4 register block. Exact in int32 while
// d * max|c| * max|row| stays below 2^31 (the caller's bound).
inline void DotI16x2x4(const int16_t* c0, const int16_t* c1, const int16_t* rows, size_t stride,
                       size_t d, int32_t out[8]) {
  const int16_t* r[4] = {rows, rows + stride, rows + 2 * stride, rows + 3 * stride};
  I8Vec a[8] = {ZeroI32(), ZeroI32(), ZeroI32(), ZeroI32(),
                ZeroI32(), ZeroI32(), ZeroI32(), ZeroI32()};
  for (size_t i = 0; i < d; i += 8) {
    const I8Vec x0 = LoadI16(c0 + i), x1 = LoadI16(c1 + i);
    for (int j = 0; j < 4; ++j) {
      const I8Vec row = LoadI16(r[j] + i);
      a[j] = AddPairProducts(a[j], x0, row);
      a[4 + j] = AddPairProducts(a[4 + j], x1, row);
    }
  }
  for (int j = 0; j < 8; ++j) out[j] = SumLanes(a[j]);
}

#else

inline int32_t DotI8(const int8_t* a, const int8_t* b, size_t d) { return scalar::DotI8(a, b, d); }

inline void DotI16x2x4(const int16_t* c0, const int16_t* c1, const int16_t* rows, size_t stride,
                       size_t d, int32_t out[8]) {
  for (int r = 0; r < 4; ++r) {
    out[r] = scalar::DotI16(c0, rows + r * stride, d);
    out[4 + r] = scalar::DotI16(c1, rows + r * stride, d);
  }
}

inline void DotWideI8x4(const int16_t* q, const int8_t* r0, const int8_t* r1, const int8_t* r2,
                        const int8_t* r3, size_t d, int32_t out[4]) {
  const int8_t* r[4] = {r0, r1, r2, r3};
  for (int j = 0; j < 4; ++j) {
    out[j] = 0;
    for (size_t t = 0; t < d; ++t) out[j] += int32_t(q[t]) * r[j][t];
  }
}

#endif

// Which implementation this build compiled: reported by tests and benchmarks.
inline const char* KernelName() {
#if defined(CLIPSCOPE_SIMD_WASM)
  return "wasm-simd128";
#elif defined(CLIPSCOPE_SIMD_SSE2)
  return "sse2";
#else
  return "scalar";
#endif
}

}  // namespace simd
}  // namespace clipscope
