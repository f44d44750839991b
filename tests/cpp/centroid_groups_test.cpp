// Assignment through centroid groups (centroid_groups.h) against the exact scan, and mini-batch
// k-means with many centroids (which uses it) against full Lloyd.
#include "centroid_groups.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kmeans.h"
#include "row_scans.h"
#include "test_data.h"

namespace clipscope {
namespace {

struct Agreement {
  double same;    // share of points given the exact scan's centroid
  double excess;  // how much larger their summed distances are than the exact scan's
};

// The grouped assignment against the exact scan; every label must be valid, and every distance
// that of the centroid it names.
Agreement Compare(const std::vector<float>& x, const std::vector<float>& c, size_t k, size_t d,
                  Metric metric) {
  const size_t n = x.size() / d;
  const std::vector<float> norms = RowNorms(x.data(), n, d);
  std::vector<int32_t> grouped(n), exact(n);
  std::vector<float> grouped_distance(n), exact_distance(n);
  CentroidGroups(c.data(), k, d, metric, 3)
      .Assign(x.data(), n, norms.data(), grouped.data(), grouped_distance.data());
  AssignNearest(x.data(), n, c.data(), k, d, metric, exact.data(), exact_distance.data());
  size_t same = 0;
  double grouped_sum = 0, exact_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    grouped_sum += grouped_distance[i], exact_sum += exact_distance[i];
    EXPECT_GE(grouped[i], 0);
    EXPECT_LT(size_t(grouped[i]), k);
    EXPECT_GE(grouped_distance[i], exact_distance[i]);  // never better than the nearest
    if (grouped[i] == exact[i]) {
      EXPECT_EQ(grouped_distance[i], exact_distance[i]);  // same kernel, same bits
      ++same;
    }
  }
  return {double(same) / double(n), grouped_sum / exact_sum - 1};
}

TEST(CentroidGroups, FindsTheNearestCentroidForAlmostEveryPointAndNearTiesForTheRest) {
  const size_t d = 256, k = 400;
  for (size_t clusters : {40, 400}) {  // centroids in clumps, and one per cluster
    std::vector<float> x =
        testing::UnitRows(testing::ClusteredVectors(6000, d, clusters, 0.6, 5), d);
    KMeansOptions options;
    options.init = KMeansInit::kRandom;
    options.max_iter = 3;
    for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
      options.metric = metric;
      std::vector<float> c = KMeans(x.data(), 6000, d, k, options).value().centroids;
      const Agreement a = Compare(x, c, k, d, metric);
      // Clumped centroids: all found. One per cluster (nearly orthogonal in 256 dims, the hard
      // case): a few points get a centroid almost as near as their nearest.
      EXPECT_GE(a.same, clusters == 40 ? 0.999 : 0.95) << clusters << " clusters";
      EXPECT_LT(a.excess, 0.005) << clusters << " clusters";
    }
  }
}

TEST(CentroidGroups, OneGroupPerCentroidIsTheExactScan) {
  // k = 4 makes 2 groups of which all are probed: the exact labels, ties to the lower index.
  const size_t d = 16;
  std::vector<float> x = testing::UnitRows(testing::RandomVectors(500, d, 2), d);
  std::vector<float> c(x.begin(), x.begin() + 4 * d);
  c.insert(c.end(), x.begin(), x.begin() + d);  // centroid 4 repeats centroid 0: a tie
  EXPECT_EQ(Compare(x, c, 5, d, Metric::kEuclidean).same, 1.0);
}

// The benchmark measures the goal (within 1% at 100,000 × 512, k = 1,000); this smaller case
// (30,000 × 32, k = 300) lands within 2%.
TEST(KMeans, MiniBatchWithManyCentroidsComesCloseToLloyd) {
  const size_t n = 30000, d = 32, k = 300;
  ASSERT_TRUE(UsesCentroidGroups(k));
  std::vector<float> x = testing::UnitRows(testing::ClusteredVectors(n, d, 60, 0.6, 11), d);
  KMeansOptions full;
  full.seed = 2;
  full.max_iter = 30;
  KMeansOptions mini = full;
  mini.mini_batch = 1024;
  KMeansResult lloyd = KMeans(x.data(), n, d, k, full).value();
  KMeansResult batches = KMeans(x.data(), n, d, k, mini).value();
  EXPECT_LE(batches.inertia, 1.02 * lloyd.inertia);
  EXPECT_EQ(std::set<int32_t>(batches.labels.begin(), batches.labels.end()).size(), k);
}

}  // namespace
}  // namespace clipscope
