#include "kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "cluster_sums.h"
#include "named_arrays.h"
#include "test_data.h"

namespace clipscope {
namespace {

using testing::ReadNamedArrays;
using testing::ReferencePath;

// True when two labelings are the same partition (adjusted Rand index 1).
bool SamePartition(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::map<int32_t, int32_t> forward, backward;
  for (size_t i = 0; i < a.size(); ++i) {
    auto f = forward.emplace(a[i], b[i]).first;
    auto r = backward.emplace(b[i], a[i]).first;
    if (f->second != b[i] || r->second != a[i]) return false;
  }
  return true;
}

class LloydMatchesScikitLearn : public ::testing::TestWithParam<const char*> {};

TEST_P(LloydMatchesScikitLearn, SameLabelsInertiaAndIterations) {
  auto ref =
      ReadNamedArrays(ReferencePath(std::string("clustering/lloyd-") + GetParam() + ".arrays"));
  const auto& x = ref["x"];
  const size_t n = x.shape[0], d = x.shape[1], k = ref["init"].shape[0];
  KMeansOptions options;
  options.init = KMeansInit::kGiven;
  options.initial_centroids = ref["init"].Floats();
  options.max_iter = int(ref["max_iter"].values[0]);
  Result<KMeansResult> result = KMeans(x.Floats().data(), n, d, k, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result.value().labels, ref["labels"].Ints());
  EXPECT_NEAR(result.value().inertia, ref["inertia"].values[0], 1e-4 * ref["inertia"].values[0]);
  EXPECT_EQ(result.value().iterations, int(ref["iterations"].values[0]));
  const std::vector<float> centroids = ref["centroids"].Floats();
  for (size_t i = 0; i < k * d; ++i) {
    EXPECT_NEAR(result.value().centroids[i], centroids[i], 1e-4 * (1 + std::fabs(centroids[i])));
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, LloydMatchesScikitLearn,
                         ::testing::Values("small", "d16", "d64-k8", "d37-capped"));

TEST(KMeans, PlusPlusWithTenInitsReachesScikitLearnsInertia) {
  auto ref = ReadNamedArrays(ReferencePath("clustering/plusplus-blobs.arrays"));
  const auto& x = ref["x"];
  KMeansOptions options;
  options.n_init = 10;
  options.seed = 3;
  Result<KMeansResult> result =
      KMeans(x.Floats().data(), x.shape[0], x.shape[1], size_t(ref["k"].values[0]), options);
  ASSERT_TRUE(result.ok());
  EXPECT_LE(result.value().inertia, 1.01 * ref["inertia"].values[0]);
  EXPECT_TRUE(result.value().converged);
}

TEST(KMeans, FindsWellSeparatedBlobsExactly) {
  auto ref = ReadNamedArrays(ReferencePath("clustering/plusplus-separated.arrays"));
  const auto& x = ref["x"];
  for (uint64_t seed = 0; seed < 5; ++seed) {
    KMeansOptions options;
    options.seed = seed;
    options.n_init = 3;
    Result<KMeansResult> result =
        KMeans(x.Floats().data(), x.shape[0], x.shape[1], size_t(ref["k"].values[0]), options);
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(SamePartition(result.value().labels, ref["truth"].Ints())) << "seed " << seed;
  }
}

TEST(KMeans, SameSeedSameResultDifferentSeedStillValid) {
  std::vector<float> x = testing::ClusteredVectors(500, 24, 6, 0.8, 1);
  KMeansOptions options;
  options.seed = 42;
  KMeansResult a = KMeans(x.data(), 500, 24, 6, options).value();
  KMeansResult b = KMeans(x.data(), 500, 24, 6, options).value();
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_EQ(a.centroids, b.centroids);
  EXPECT_EQ(a.inertia, b.inertia);
}

TEST(KMeans, SphericalCentroidsAreUnitLengthAndInertiaIsOneMinusCosine) {
  std::vector<float> x = testing::ClusteredVectors(400, 16, 5, 0.5, 2);
  for (float& v : x) v *= 3;  // scale must not matter for cosine
  KMeansOptions options;
  options.metric = Metric::kCosine;
  options.n_init = 2;
  KMeansResult r = KMeans(x.data(), 400, 16, 5, options).value();
  double inertia = 0;
  for (size_t c = 0; c < 5; ++c) {
    double norm = 0;
    for (size_t j = 0; j < 16; ++j)
      norm += double(r.centroids[c * 16 + j]) * r.centroids[c * 16 + j];
    EXPECT_NEAR(norm, 1.0, 1e-6);
  }
  for (size_t i = 0; i < 400; ++i) {
    double dot = 0, norm = 0;
    for (size_t j = 0; j < 16; ++j) {
      dot += double(x[i * 16 + j]) * r.centroids[r.labels[i] * 16 + j];
      norm += double(x[i * 16 + j]) * x[i * 16 + j];
    }
    inertia += 1 - dot / std::sqrt(norm);
  }
  EXPECT_NEAR(r.inertia, inertia, 1e-6 * 400);
}

TEST(KMeans, MiniBatchComesCloseToFullLloyd) {
  std::vector<float> x = testing::ClusteredVectors(20000, 32, 16, 0.6, 3);
  KMeansOptions full;
  full.seed = 1;
  KMeansOptions mini = full;
  mini.mini_batch = 1024;
  KMeansResult a = KMeans(x.data(), 20000, 32, 16, full).value();
  KMeansResult b = KMeans(x.data(), 20000, 32, 16, mini).value();
  EXPECT_LE(b.inertia, 1.03 * a.inertia);
  EXPECT_EQ(b.labels.size(), 20000u);
}

TEST(KMeans, KEqualsNGivesEveryPointItsOwnCluster) {
  const std::vector<float> x = {0, 0, 1, 0, 0, 1, 5, 5, 9, 1};
  for (KMeansInit init : {KMeansInit::kKMeansPlusPlus, KMeansInit::kRandom}) {
    KMeansOptions options;
    options.init = init;
    KMeansResult r = KMeans(x.data(), 5, 2, 5, options).value();
    EXPECT_EQ(std::set<int32_t>(r.labels.begin(), r.labels.end()).size(), 5u);
    EXPECT_EQ(r.inertia, 0);
  }
}

TEST(KMeans, DuplicatePointsAndEmptyClustersNeverGiveNaN) {
  // 6 points, 3 distinct, k = 6: clusters beyond 3 can only hold copies of a point.
  const std::vector<float> x = {0, 0, 0, 0, 1, 1, 1, 1, 5, 5, 5, 5};
  for (KMeansInit init : {KMeansInit::kKMeansPlusPlus, KMeansInit::kRandom}) {
    KMeansOptions options;
    options.init = init;
    KMeansResult r = KMeans(x.data(), 6, 2, 6, options).value();
    for (float v : r.centroids) EXPECT_TRUE(std::isfinite(v));
    EXPECT_EQ(r.inertia, 0);
  }
  // Two of three given centres own no point at first: they are re-seeded from the points
  // farthest from their centre, and every cluster ends up with members.
  KMeansOptions given;
  given.init = KMeansInit::kGiven;
  given.initial_centroids = {100, 100, 0, 0, 200, 200};
  KMeansResult r = KMeans(x.data(), 6, 2, 3, given).value();
  EXPECT_EQ(std::set<int32_t>(r.labels.begin(), r.labels.end()).size(), 3u);
  EXPECT_EQ(r.inertia, 0);
}

TEST(KMeans, RejectsBadInputWithClearMessages) {
  const std::vector<float> x = {0, 1, 2, 3, 4, 5};
  auto message = [&](size_t n, size_t k, const KMeansOptions& options) {
    return KMeans(x.data(), n, 2, k, options).status().message();
  };
  EXPECT_EQ(message(3, 0, {}), "k must be at least 1, got 0");
  EXPECT_EQ(message(3, 4, {}), "k must be at most the number of points: k = 4, n = 3");
  EXPECT_EQ(message(0, 1, {}), "kmeans needs at least one point, got 0");
  KMeansOptions given;
  given.init = KMeansInit::kGiven;
  given.initial_centroids = {1, 2, 3};
  EXPECT_EQ(message(3, 2, given), "initial centroids have 3 values; expected k x d = 2 x 2 = 4");
  const std::vector<float> nan = {0, 1, NAN, 3};
  Status s = KMeans(nan.data(), 2, 2, 1, {}).status();
  EXPECT_EQ(s.code(), ErrorCode::kNotFinite);
  EXPECT_EQ(s.message(), "point 1 has a non-finite value at dimension 0");
  KMeansOptions cosine;
  cosine.metric = Metric::kCosine;
  const std::vector<float> zero = {0, 0, 1, 1};
  EXPECT_EQ(KMeans(zero.data(), 2, 2, 1, cosine).status().message(),
            "point 0 is all zeros: it has no direction");
}

TEST(KMeans, AssignNearestBreaksTiesTowardTheLowerCentre) {
  const std::vector<float> x = {0, 0, 2, 0, 1, 0};
  const std::vector<float> c = {1, 1, 1, -1, 0, 0};
  std::vector<int32_t> labels(3);
  std::vector<float> distances(3);
  AssignNearest(x.data(), 3, c.data(), 3, 2, Metric::kEuclidean, labels.data(), distances.data());
  EXPECT_EQ(labels, (std::vector<int32_t>{2, 0, 0}));  // x1 and x2 tie between centres 0 and 1
  EXPECT_EQ(distances, (std::vector<float>{0, 2, 1}));
}

// Sums by cluster in row order: the plain loop's, bit for bit, added to what is there or from
// zero.
TEST(KMeans, SumsByClusterAreThePlainLoops) {
  const size_t n = 900, d = 13, k = 37;
  const std::vector<float> x = testing::ClusteredVectors(n, d, 20, 0.7, 5);
  std::vector<int32_t> labels(n);
  for (size_t i = 0; i < n; ++i) labels[i] = int32_t((i * 7 + i / 50) % k);
  labels[5] = labels[6] = 0;  // clusters of unequal size, one of them empty
  for (size_t i = 0; i < n; ++i) labels[i] = labels[i] == 3 ? 4 : labels[i];
  std::vector<double> start(k * d);
  for (size_t j = 0; j < start.size(); ++j) start[j] = 0.1 * double(j % 11);
  const std::vector<size_t> start_counts(k, 2);
  for (bool reset : {false, true}) {
    std::vector<double> expected = reset ? std::vector<double>(k * d, 0.0) : start;
    std::vector<size_t> expected_counts = reset ? std::vector<size_t>(k, 0) : start_counts;
    for (size_t i = 0; i < n; ++i) {
      const size_t c = size_t(labels[i]);
      ++expected_counts[c];
      for (size_t j = 0; j < d; ++j) expected[c * d + j] += x[i * d + j];
    }
    std::vector<double> sums = start;
    std::vector<size_t> counts = start_counts;
    SumRowsByLabel(x.data(), n, d, labels.data(), k, reset, sums.data(), counts.data());
    EXPECT_EQ(sums, expected) << "reset " << reset;
    EXPECT_EQ(counts, expected_counts) << "reset " << reset;
  }
}

}  // namespace
}  // namespace clipscope
