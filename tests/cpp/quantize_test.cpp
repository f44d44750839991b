// The int8 quantiser's SIMD loops equal the plain loops they replace, code for code and bit for
// bit in the scale: every tail length, ties rounded to even, the clamp, and a zero vector.
#include "quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "test_data.h"

namespace clipscope {
namespace {

// The quantiser as plain loops.
template <class Code>
float PlainQuantize(const float* x, size_t d, float limit, Code* codes) {
  float max_abs = 0;
  for (size_t i = 0; i < d; ++i) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  if (max_abs == 0) {
    for (size_t i = 0; i < d; ++i) codes[i] = 0;
    return 0;
  }
  const float inverse = limit / max_abs;
  for (size_t i = 0; i < d; ++i)
    codes[i] =
        static_cast<Code>(std::fmin(limit, std::fmax(-limit, std::nearbyint(x[i] * inverse))));
  return max_abs / limit;
}

uint32_t Bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

template <class Code>
void ExpectQuantizedAsPlainLoops(const std::vector<float>& x, const char* what, float limit) {
  const size_t d = x.size();
  std::vector<Code> codes(d), plain(d);
  const float scale = limit == 127.0f ? QuantizeInt8(x.data(), d, codes.data())
                                      : QuantizeSymmetric(x.data(), d, limit, codes.data());
  EXPECT_EQ(Bits(scale), Bits(PlainQuantize(x.data(), d, limit, plain.data())))
      << what << ", d " << d << ", limit " << limit;
  EXPECT_EQ(codes, plain) << what << ", d " << d << ", limit " << limit;
  if constexpr (sizeof(Code) == 1) {
    std::vector<float> restored(d), plain_restored(d);
    DequantizeInt8(codes.data(), scale, d, restored.data());
    for (size_t i = 0; i < d; ++i) plain_restored[i] = float(codes[i]) * scale;
    EXPECT_EQ(restored, plain_restored) << what << ", d " << d;
  }
}

template <class Code>
void ExpectEveryCaseAsPlainLoops(float limit = 127.0f) {
  std::vector<size_t> dims;
  for (size_t d = 1; d <= 40; ++d) dims.push_back(d);
  for (size_t d : {100, 512, 768}) dims.push_back(d);
  for (size_t d : dims) {
    ExpectQuantizedAsPlainLoops<Code>(testing::RandomVectors(1, d, 40 + d), "random", limit);
    ExpectQuantizedAsPlainLoops<Code>(std::vector<float>(d, 0.0f), "zero", limit);
    // At limit 127 a largest magnitude of 127 makes the factor 1: halves are ties, rounded to
    // even (2.5 -> 2, -3.5 -> -4), and the largest negative value is -127, never -128.
    std::vector<float> ties(d);
    for (size_t i = 0; i < d; ++i) ties[i] = float(int(i % 21) - 10) + 0.5f;
    ties[d / 2] = -127.0f;
    ExpectQuantizedAsPlainLoops<Code>(ties, "ties", limit);
    // Subnormal values only: 127 / max overflows to Inf, so zeros make 0 x Inf, a NaN.
    std::vector<float> tiny(d);
    for (size_t i = 0; i < d; ++i) tiny[i] = float(int(i % 3) - 1) * 1e-45f;
    ExpectQuantizedAsPlainLoops<Code>(tiny, "subnormal", limit);
  }
}

TEST(Quantize, Int8CodesEqualPlainLoops) { ExpectEveryCaseAsPlainLoops<int8_t>(); }

TEST(Quantize, Int16CodesEqualPlainLoops) { ExpectEveryCaseAsPlainLoops<int16_t>(); }

// The coarse quantizer's centroid codes: the largest int16 limit, and 4128 (4,096 dims).
TEST(Quantize, Int16CodesToCentroidLimitsEqualPlainLoops) {
  ExpectEveryCaseAsPlainLoops<int16_t>(32767.0f);
  ExpectEveryCaseAsPlainLoops<int16_t>(4128.0f);
}

TEST(Quantize, RoundsHalvesToEvenAndKeepsCodesWithinPlusMinus127) {
  const std::vector<float> x = {127.0f,  2.5f, -3.5f, 0.5f,  -0.5f, 126.5f, -127.0f, 1.5f,
                                -126.5f, 3.5f, 4.5f,  -2.5f, 5.5f,  -5.5f,  6.5f,    -6.5f};
  std::vector<int8_t> codes(x.size());
  EXPECT_EQ(QuantizeInt8(x.data(), x.size(), codes.data()), 1.0f);
  EXPECT_EQ(codes,
            (std::vector<int8_t>{127, 2, -4, 0, 0, 126, -127, 2, -126, 4, 4, -2, 6, -6, 6, -6}));
}

}  // namespace
}  // namespace clipscope
