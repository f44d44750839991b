#include "coarse_quantizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "simd.h"
#include "test_data.h"
#include "thread_runner.h"

namespace clipscope {
namespace {

// A quantizer of `lists` random unit centroids.
Result<CoarseQuantizer> RandomQuantizer(size_t d, size_t lists, uint64_t seed) {
  return CoarseQuantizer::FromCentroids(
      d, testing::UnitRows(testing::RandomVectors(lists, d, seed), d));
}

TEST(CoarseQuantizer, AssignsEveryRowToItsMostSimilarCentroid) {
  const size_t d = 37, n = 500, lists = 23;  // d not a multiple of the kernel's 8
  const std::vector<float> x = testing::UnitRows(testing::RandomVectors(n, d, 5), d);
  auto q = RandomQuantizer(d, lists, 6);
  ASSERT_TRUE(q.ok());
  std::vector<uint32_t> chosen(n);
  std::vector<float> distance(n);
  q.value().Assign(x.data(), n, chosen.data(), distance.data());
  size_t exact = 0;
  for (size_t i = 0; i < n; ++i) {
    float best = -2;
    uint32_t best_list = 0;
    for (size_t l = 0; l < lists; ++l) {
      const float s = simd::Dot(&x[i * d], &q.value().centroids()[l * d], d);
      if (s > best) best = s, best_list = uint32_t(l);
    }
    const float got = simd::Dot(&x[i * d], &q.value().centroids()[chosen[i] * d], d);
    // Integer codes: a row equally near two centroids may go to either.
    EXPECT_GE(got, best - 0.02f) << "row " << i;
    EXPECT_NEAR(distance[i], 1.0f - got, 0.02f) << "row " << i;
    exact += chosen[i] == best_list;
  }
  EXPECT_GE(exact, n * 95 / 100);
}

// Rows go out in parallel shares of a few hundred, each restored (AssignRows) or read (Assign),
// encoded and assigned in scratch of its thread: the same lists and distances as one row at a
// time, on every thread count, with a short last share and group.
TEST(CoarseQuantizer, AssignsInSharesAsRowByRow) {
  const size_t d = 37, n = 1001, lists = 23;
  const std::vector<float> x = testing::UnitRows(testing::RandomVectors(n, d, 7), d);
  auto q = RandomQuantizer(d, lists, 8);
  ASSERT_TRUE(q.ok());
  std::vector<uint32_t> one_list(n);
  std::vector<float> one_distance(n);
  for (size_t i = 0; i < n; ++i) q.value().Assign(&x[i * d], 1, &one_list[i], &one_distance[i]);
  const CoarseQuantizer::RowSource source = [](const void* rows, size_t i, float* out) {
    const float* from = static_cast<const float*>(rows) + i * 37;
    std::copy(from, from + 37, out);
  };
  for (int threads : {1, 2, 3}) {
    testing::ScopedThreads scope(threads);
    std::vector<uint32_t> read(n), restored(n);
    std::vector<float> read_distance(n), restored_distance(n);
    q.value().Assign(x.data(), n, read.data(), read_distance.data());
    q.value().AssignRows(n, source, x.data(), restored.data(), restored_distance.data());
    EXPECT_EQ(read, one_list) << threads << " threads";
    EXPECT_EQ(restored, one_list) << threads << " threads";
    EXPECT_EQ(read_distance, one_distance) << threads << " threads";
    EXPECT_EQ(restored_distance, one_distance) << threads << " threads";
  }
}

// Many small clusters far apart (as photo collections are): each list should take whole
// clusters. A two-level quantizer (groups of lists, then lists within each group) split
// a tenth of the rows from their cluster's list here (0.895 of them together; 0.975 now).
TEST(CoarseQuantizer, KeepsWholeClustersTogether) {
  const size_t d = 128, clusters = 1200, n = 24000, lists = 120;
  const std::vector<float> centres = testing::UnitRows(testing::RandomVectors(clusters, d, 11), d);
  testing::Rng rng(12);
  std::vector<float> x(n * d);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j)
      x[i * d + j] = centres[(i % clusters) * d + j] + float(0.6 * rng.Normal() / std::sqrt(d));
  }
  x = testing::UnitRows(std::move(x), d);
  auto trained = CoarseQuantizer::Train(x.data(), n, d, lists, 3);
  ASSERT_TRUE(trained.ok());
  ASSERT_EQ(trained.value().lists(), lists);
  std::vector<uint32_t> chosen(n);
  trained.value().Assign(x.data(), n, chosen.data(), nullptr);
  // Rows in their cluster's most common list.
  std::vector<std::map<uint32_t, size_t>> count(clusters);
  for (size_t i = 0; i < n; ++i) ++count[i % clusters][chosen[i]];
  size_t together = 0;
  for (const auto& by_list : count) {
    size_t most = 0;
    for (const auto& entry : by_list) most = std::max(most, entry.second);
    together += most;
  }
  EXPECT_GE(double(together) / double(n), 0.95);
}

TEST(CoarseQuantizer, RefusesTooFewRowsAndNonFiniteCentroids) {
  const std::vector<float> x(4 * 8, 0.5f);
  EXPECT_EQ(CoarseQuantizer::Train(x.data(), 4, 8, 5, 0).status().message(),
            "training needs at least as many vectors (4) as lists (5)");
  EXPECT_EQ(CoarseQuantizer::Train(x.data(), 4, 0, 1, 0).status().message(),
            "training needs vectors of at least one dimension");
  std::vector<float> centroids(16, 0.25f);
  centroids[9] = NAN;
  EXPECT_EQ(CoarseQuantizer::FromCentroids(8, centroids).status().message(),
            "index data is corrupt: a centroid is not finite");
  EXPECT_EQ(CoarseQuantizer::FromCentroids(8, std::vector<float>(12)).status().message(),
            "index data is corrupt: centroid sizes do not match");
}

}  // namespace
}  // namespace clipscope
