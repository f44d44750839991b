#include "row_scans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "simd.h"
#include "test_data.h"
#include "thread_runner.h"

namespace clipscope {
namespace {

using testing::ScopedThreads;

// Rows enough for several ranges of rows and several chunks of the tolerance scale's sums.
constexpr size_t kRows = 14000, kDim = 40;

// The serial loops the scans replace.
double PlainMeanVariance(const std::vector<float>& x, size_t n, size_t d) {
  std::vector<double> mean(d, 0.0), m2(d, 0.0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) mean[j] += x[i * d + j];
  }
  for (double& m : mean) m /= double(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) m2[j] += (x[i * d + j] - mean[j]) * (x[i * d + j] - mean[j]);
  }
  double total = 0;
  for (double v : m2) total += v / double(n);
  return total / double(d);
}

double PlainInertia(const std::vector<float>& x, size_t n, size_t d, const std::vector<float>& c,
                    const std::vector<int32_t>& labels, Metric metric) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* centre = &c[size_t(labels[i]) * d];
    sum += metric == Metric::kEuclidean ? double(simd::SquaredDistance(&x[i * d], centre, d))
                                        : 1.0 - double(simd::Dot(&x[i * d], centre, d));
  }
  return sum;
}

// The norms and the inertia are the plain loops bit for bit; the tolerance scale sums chunks of
// rows fixed by n, so it is the same bit for bit on every thread count and equal to the plain
// loop to rounding.
TEST(RowScans, SumsAreTheSameBitForBitOnEveryThreadCount) {
  const std::vector<float> x = testing::ClusteredVectors(kRows, kDim, 30, 0.5, 21);
  const size_t k = 7;
  const std::vector<float> centres(x.begin(), x.begin() + k * kDim);
  std::vector<int32_t> labels(kRows);
  for (size_t i = 0; i < kRows; ++i) labels[i] = int32_t((i * 5 + i / 300) % k);
  const double plain_variance = PlainMeanVariance(x, kRows, kDim);
  const double mean_variance = MeanVariance(x.data(), kRows, kDim);
  EXPECT_NEAR(mean_variance, plain_variance, 1e-12 * plain_variance);
  std::vector<float> norms(kRows);
  for (size_t i = 0; i < kRows; ++i) norms[i] = simd::Dot(&x[i * kDim], &x[i * kDim], kDim);
  for (int threads : {1, 2, 3}) {
    ScopedThreads scoped(threads);
    EXPECT_EQ(MeanVariance(x.data(), kRows, kDim), mean_variance) << threads << " threads";
    EXPECT_EQ(RowNorms(x.data(), kRows, kDim), norms) << threads << " threads";
    for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
      EXPECT_EQ(Inertia(x.data(), kRows, kDim, centres.data(), labels.data(), metric),
                PlainInertia(x, kRows, kDim, centres, labels, metric))
          << threads << " threads";
    }
  }
}

TEST(RowScans, ChecksFindTheFirstBadRowWhicheverRangeHoldsIt) {
  std::vector<float> x = testing::ClusteredVectors(kRows, kDim, 30, 0.5, 22);
  std::vector<float> unit = x;
  for (size_t i = 0; i < kRows; ++i) NormalizeRow(&unit[i * kDim], kDim);
  x[12000 * kDim + 1] = std::numeric_limits<float>::infinity();
  x[9000 * kDim + 3] = std::numeric_limits<float>::quiet_NaN();
  x[9000 * kDim + 7] = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> zeros = unit;
  for (size_t row : {size_t(13000), size_t(8000)}) {
    std::fill_n(&zeros[row * kDim], kDim, 0.0f);
  }
  for (int threads : {1, 2, 3}) {
    ScopedThreads scoped(threads);
    const NonFiniteValue bad = FirstNonFiniteValue(x.data(), kRows, kDim);
    EXPECT_EQ(bad.row, 9000u) << threads << " threads";
    EXPECT_EQ(bad.dim, 3u) << threads << " threads";
    EXPECT_EQ(FirstNonFiniteValue(unit.data(), kRows, kDim).row, kRows);

    EXPECT_EQ(CheckNorms(zeros.data(), kRows, kDim).first_zero_row, 8000u) << threads;
    const NormCheck units = CheckNorms(unit.data(), kRows, kDim);
    EXPECT_EQ(units.first_zero_row, kRows);
    EXPECT_TRUE(units.all_unit) << threads << " threads";
    std::vector<float> one_long = unit;
    one_long[13500 * kDim] *= 1.01f;
    EXPECT_FALSE(CheckNorms(one_long.data(), kRows, kDim).all_unit) << threads << " threads";

    std::vector<float> normalised(x.begin(), x.begin() + 8000 * kDim);
    NormalizeEachRow(normalised.data(), 8000, kDim);
    EXPECT_EQ(normalised, std::vector<float>(unit.begin(), unit.begin() + 8000 * kDim));
  }
}

}  // namespace
}  // namespace clipscope
