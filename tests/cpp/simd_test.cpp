// Every SIMD kernel equals its scalar twin: exactly on integer-valued floats (no rounding at
// all) and bit for bit on arbitrary floats (same canonical summation order), for dims 1..17
// so every tail length runs, long dims with tails, and the embedding sizes used in practice.
#include "simd.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "test_data.h"

namespace clipscope {
namespace {

std::vector<size_t> Dims() {
  std::vector<size_t> dims;
  for (size_t d = 1; d <= 17; ++d) dims.push_back(d);
  for (size_t d : {31, 32, 33, 64, 100, 131, 205, 384, 512, 768, 1024}) dims.push_back(d);
  return dims;
}

std::vector<float> IntegerFloats(size_t n, uint64_t seed) {
  testing::Rng rng(seed);
  std::vector<float> out(n);
  for (float& x : out) x = float(rng.Int(-8, 8));
  return out;
}

uint32_t Bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

double NaiveDot(const float* a, const float* b, size_t d) {
  double sum = 0;
  for (size_t i = 0; i < d; ++i) sum += double(a[i]) * b[i];
  return sum;
}

TEST(Simd, ReportsTheKernelThisBuildUses) {
#if defined(__SSE2__)
  EXPECT_STREQ(simd::KernelName(), "sse2");
#else
  EXPECT_STREQ(simd::KernelName(), "scalar");
#endif
}

TEST(Simd, DotEqualsPlainSumOnIntegerValues) {
  for (size_t d : Dims()) {
    std::vector<float> a = IntegerFloats(d, d), b = IntegerFloats(d, d + 100);
    EXPECT_EQ(simd::Dot(a.data(), b.data(), d), NaiveDot(a.data(), b.data(), d)) << "d=" << d;
    EXPECT_EQ(scalar::Dot(a.data(), b.data(), d), NaiveDot(a.data(), b.data(), d)) << "d=" << d;
  }
}

TEST(Simd, DotIsBitIdenticalToScalarOnRandomFloats) {
  for (size_t d : Dims()) {
    std::vector<float> a = testing::RandomVectors(1, d, d), b = testing::RandomVectors(1, d, d + 7);
    EXPECT_EQ(Bits(simd::Dot(a.data(), b.data(), d)), Bits(scalar::Dot(a.data(), b.data(), d)))
        << "d=" << d;
  }
}

TEST(Simd, SquaredDistanceEqualsPlainSumAndScalarTwin) {
  for (size_t d : Dims()) {
    std::vector<float> a = IntegerFloats(d, d + 1), b = IntegerFloats(d, d + 200);
    double naive = 0;
    for (size_t i = 0; i < d; ++i) naive += double(a[i] - b[i]) * (a[i] - b[i]);
    EXPECT_EQ(simd::SquaredDistance(a.data(), b.data(), d), naive) << "d=" << d;
    std::vector<float> x = testing::RandomVectors(1, d, d), y = testing::RandomVectors(1, d, d + 9);
    EXPECT_EQ(Bits(simd::SquaredDistance(x.data(), y.data(), d)),
              Bits(scalar::SquaredDistance(x.data(), y.data(), d)))
        << "d=" << d;
  }
}

TEST(Simd, Dot2x2EqualsFourDots) {
  for (size_t d : Dims()) {
    std::vector<float> q = testing::RandomVectors(2, d, d), r = testing::RandomVectors(2, d, 5 * d);
    float out[4];
    simd::Dot2x2(q.data(), q.data() + d, r.data(), r.data() + d, d, out);
    EXPECT_EQ(Bits(out[0]), Bits(scalar::Dot(q.data(), r.data(), d))) << "d=" << d;
    EXPECT_EQ(Bits(out[1]), Bits(scalar::Dot(q.data(), r.data() + d, d))) << "d=" << d;
    EXPECT_EQ(Bits(out[2]), Bits(scalar::Dot(q.data() + d, r.data(), d))) << "d=" << d;
    EXPECT_EQ(Bits(out[3]), Bits(scalar::Dot(q.data() + d, r.data() + d, d))) << "d=" << d;
  }
}

TEST(Simd, Dot1x4EqualsFourDots) {
  for (size_t d : Dims()) {
    std::vector<float> q = testing::RandomVectors(1, d, d), r = testing::RandomVectors(4, d, 7 * d);
    float out[4];
    simd::Dot1x4(q.data(), r.data(), r.data() + d, r.data() + 2 * d, r.data() + 3 * d, d, out);
    for (int j = 0; j < 4; ++j) {
      EXPECT_EQ(Bits(out[j]), Bits(scalar::Dot(q.data(), r.data() + j * d, d)))
          << "d=" << d << " row " << j;
    }
  }
}

TEST(Simd, DotMx2EqualsDotsForEveryBlockHeight) {
  for (size_t d : Dims()) {
    for (size_t m = 1; m <= simd::kMaxDotBlock; ++m) {
      std::vector<float> q = testing::RandomVectors(m, d, d + m),
                         r = testing::RandomVectors(2, d, 3 * d);
      const float* queries[simd::kMaxDotBlock];
      for (size_t j = 0; j < m; ++j) queries[j] = q.data() + j * d;
      float out[2 * simd::kMaxDotBlock];
      simd::DotMx2(queries, m, r.data(), r.data() + d, d, out);
      for (size_t j = 0; j < m; ++j) {
        for (size_t row = 0; row < 2; ++row) {
          EXPECT_EQ(Bits(out[2 * j + row]), Bits(scalar::Dot(queries[j], r.data() + row * d, d)))
              << "d=" << d << " m=" << m << " point " << j << " row " << row;
        }
      }
    }
  }
}

TEST(Simd, DotBlocksCoverEveryPointOnceAndEvenly) {
  for (size_t count = 0; count <= 23; ++count) {
    std::vector<size_t> sizes;
    size_t next = 0;
    simd::ForEachDotBlock(count, simd::kMaxDotBlock, [&](size_t first, size_t size) {
      EXPECT_EQ(first, next) << "count " << count;
      next = first + size;
      sizes.push_back(size);
    });
    EXPECT_EQ(next, count);
    EXPECT_EQ(sizes.size(), (count + simd::kMaxDotBlock - 1) / simd::kMaxDotBlock);
    if (!sizes.empty()) {
      EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()), simd::kMaxDotBlock);
      EXPECT_LE(*std::max_element(sizes.begin(), sizes.end()) -
                    *std::min_element(sizes.begin(), sizes.end()),
                1u)
          << "count " << count;
    }
  }
}

TEST(Simd, Int8KernelsEqualScalarIncludingExtremes) {
  for (size_t d : Dims()) {
    testing::Rng rng(d);
    std::vector<int8_t> q(d), rows(4 * d);
    for (auto& x : q) x = int8_t(rng.Int(-128, 127));
    for (auto& x : rows) x = int8_t(rng.Int(-128, 127));
    q[0] = -128, rows[0] = -128;                          // the one product that overflows int16
    const std::vector<int16_t> wide(q.begin(), q.end());  // the query widened once
    int32_t from_wide[4];
    simd::DotWideI8x4(wide.data(), rows.data(), rows.data() + d, rows.data() + 2 * d,
                      rows.data() + 3 * d, d, from_wide);
    for (int r = 0; r < 4; ++r) {
      int32_t expected = scalar::DotI8(q.data(), rows.data() + r * d, d);
      EXPECT_EQ(from_wide[r], expected) << "d=" << d;
      EXPECT_EQ(simd::DotI8(q.data(), rows.data() + r * d, d), expected) << "d=" << d;
    }
  }
}

TEST(Simd, Int8BlockEqualsScalarForEveryBlockHeightIncludingExtremes) {
  for (size_t d : Dims()) {
    testing::Rng rng(d + 3);
    std::vector<int8_t> codes(simd::kMaxDotI8Block * d), rows(2 * d);
    for (auto& x : codes) x = int8_t(rng.Int(-128, 127));
    for (auto& x : rows) x = int8_t(rng.Int(-128, 127));
    codes[0] = -128, rows[0] = -128, rows[d] = -128;  // the product that overflows int16
    const std::vector<int16_t> wide(codes.begin(), codes.end());
    for (size_t m = 1; m <= simd::kMaxDotI8Block; ++m) {
      const int16_t* q[simd::kMaxDotI8Block];
      for (size_t j = 0; j < m; ++j) q[j] = wide.data() + j * d;
      int32_t out[2 * simd::kMaxDotI8Block];
      simd::DotI8Mx2(q, m, rows.data(), rows.data() + d, d, out);
      for (size_t j = 0; j < m; ++j) {
        for (size_t r = 0; r < 2; ++r) {
          EXPECT_EQ(out[2 * j + r], scalar::DotI8(codes.data() + j * d, rows.data() + r * d, d))
              << "d=" << d << " m=" << m << " point " << j << " row " << r;
        }
      }
    }
  }
}

TEST(Simd, Int16BlockEqualsScalarAtTheCoarseQuantizersBounds) {
  for (size_t d : {8, 16, 512, 1032}) {
    testing::Rng rng(d + 1);
    const int limit = int(std::min<size_t>(32767, size_t(INT32_MAX) / (127 * d)));
    std::vector<int16_t> c(2 * d), rows(4 * d + 8);  // rows at a stride of d + 2
    for (auto& x : c) x = int16_t(rng.Int(-limit, limit));
    for (auto& x : rows) x = int16_t(rng.Int(-127, 127));
    // All at the extremes in one row: the largest sum the bound allows.
    for (size_t i = 0; i < d; ++i) c[i] = int16_t(limit), rows[i] = 127;
    const size_t stride = d + 2;
    int32_t out[8];
    simd::DotI16x2x4(c.data(), c.data() + d, rows.data(), stride, d, out);
    for (int j = 0; j < 2; ++j) {
      for (int r = 0; r < 4; ++r)
        EXPECT_EQ(out[4 * j + r], scalar::DotI16(c.data() + j * d, rows.data() + r * stride, d))
            << "d=" << d << " centroid " << j << " row " << r;
    }
    EXPECT_EQ(out[0], int32_t(d) * limit * 127);
  }
}

}  // namespace
}  // namespace clipscope
