// Normalising encoder outputs and zero-shot probabilities.
#include "embedding_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace clipscope {
namespace {

TEST(NormalizeRows, ScalesGoodRowsAndFlagsBadOnes) {
  std::vector<float> x = {3, 4, 0, 0, NAN, 1, 0, -2};
  std::vector<uint8_t> ok(4);
  NormalizeRows(x.data(), 4, 2, ok.data());
  EXPECT_EQ(ok, (std::vector<uint8_t>{1, 0, 0, 1}));
  EXPECT_FLOAT_EQ(x[0], 0.6f);
  EXPECT_FLOAT_EQ(x[1], 0.8f);
  EXPECT_EQ(x[2], 0.0f);  // zero row left as is
  EXPECT_TRUE(std::isnan(x[4]));
  EXPECT_FLOAT_EQ(x[7], -1.0f);
}

TEST(ZeroShotProbabilities, IsTheSoftmaxOfScaledCosines) {
  const std::vector<float> image = {1, 0};
  const std::vector<float> texts = {1, 0, 0, 1, -1, 0};
  std::vector<float> p(3);
  ASSERT_TRUE(ZeroShotProbabilities(image.data(), texts.data(), 3, 2, 100.0f, p.data()).ok());
  const double e1 = std::exp(-100.0), e2 = std::exp(-200.0), sum = 1 + e1 + e2;
  EXPECT_FLOAT_EQ(p[0], static_cast<float>(1 / sum));
  EXPECT_FLOAT_EQ(p[1], static_cast<float>(e1 / sum));
  EXPECT_FLOAT_EQ(p[2], static_cast<float>(e2 / sum));
}

TEST(ZeroShotProbabilities, RefusesNoLabelsAndNonFiniteScale) {
  const float v[2] = {1, 0};
  float p[1];
  EXPECT_EQ(ZeroShotProbabilities(v, v, 0, 2, 1.0f, p).message(),
            "zero-shot classification needs at least one label");
  EXPECT_EQ(ZeroShotProbabilities(v, v, 1, 2, NAN, p).code(), ErrorCode::kNotFinite);
}

}  // namespace
}  // namespace clipscope
