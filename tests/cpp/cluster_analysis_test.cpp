#include "cluster_analysis.h"

#include <gtest/gtest.h>

#include <cmath>

#include "named_arrays.h"
#include "pca.h"
#include "test_data.h"

namespace clipscope {
namespace {

using testing::ReadNamedArrays;
using testing::ReferencePath;

TEST(Silhouette, EqualsScikitLearnForEuclideanAndCosine) {
  auto ref = ReadNamedArrays(ReferencePath("clustering/silhouette-blobs.arrays"));
  const auto& x = ref["x"];
  const std::vector<int32_t> labels = ref["labels"].Ints();
  SilhouetteOptions euclidean;
  EXPECT_NEAR(
      Silhouette(x.Floats().data(), x.shape[0], x.shape[1], labels.data(), euclidean).value(),
      ref["euclidean"].values[0], 1e-5);
  SilhouetteOptions cosine;
  cosine.metric = Metric::kCosine;
  EXPECT_NEAR(Silhouette(x.Floats().data(), x.shape[0], x.shape[1], labels.data(), cosine).value(),
              ref["cosine"].values[0], 1e-5);
}

TEST(Silhouette, SampledScoreIsSeededAndCloseToExact) {
  std::vector<float> x = testing::ClusteredVectors(3000, 8, 4, 0.5, 1);
  KMeansResult clustering = KMeans(x.data(), 3000, 8, 4, {}).value();
  SilhouetteOptions exact, sampled;
  sampled.sample_size = 1000;
  sampled.seed = 9;
  const double full = Silhouette(x.data(), 3000, 8, clustering.labels.data(), exact).value();
  const double part = Silhouette(x.data(), 3000, 8, clustering.labels.data(), sampled).value();
  EXPECT_EQ(part, Silhouette(x.data(), 3000, 8, clustering.labels.data(), sampled).value());
  EXPECT_NE(part, full);
  EXPECT_NEAR(part, full, 0.05);
}

TEST(Silhouette, RejectsOneClusterOrAsManyClustersAsPoints) {
  const std::vector<float> x = {0, 1, 2, 3};
  const std::vector<int32_t> one = {0, 0, 0, 0}, all = {0, 1, 2, 3};
  EXPECT_EQ(Silhouette(x.data(), 4, 1, one.data(), {}).status().message(),
            "silhouette needs 2 <= number of clusters <= points - 1; got 1 clusters for 4 points");
  EXPECT_FALSE(Silhouette(x.data(), 4, 1, all.data(), {}).ok());
}

TEST(AutoK, PicksTheNumberOfBlobs) {
  auto ref = ReadNamedArrays(ReferencePath("clustering/plusplus-separated.arrays"));
  const auto& x = ref["x"];
  KMeansOptions options;
  options.n_init = 3;
  AutoKResult result = AutoK(x.Floats().data(), x.shape[0], x.shape[1], 2, 8, options, 0).value();
  EXPECT_EQ(result.best_k, size_t(ref["k"].values[0]));
  ASSERT_EQ(result.ks.size(), 7u);
  EXPECT_EQ(result.ks.front(), 2u);
  EXPECT_EQ(result.best.labels.size(), x.shape[0]);
  for (size_t i = 0; i < result.ks.size(); ++i) {
    if (result.ks[i] != result.best_k) {
      EXPECT_LT(result.scores[i], result.scores[result.best_k - 2]);
    }
  }
  EXPECT_EQ(AutoK(x.Floats().data(), x.shape[0], x.shape[1], 1, 3, options, 0).status().message(),
            "auto k needs 2 <= kMin <= kMax <= n - 1; got kMin = 1, kMax = 3, n = 500");
}

TEST(ClusterSummaries, RepresentativeIsTheMemberClosestToTheCentroid) {
  const std::vector<float> x = {0, 0, 4, 0, 1, 0, 10, 10, 11, 10};
  const std::vector<int32_t> labels = {0, 0, 0, 1, 1};
  const std::vector<float> centroids = {5.0f / 3, 0, 10.5f, 10};
  auto summaries =
      SummarizeClusters(x.data(), 5, 2, labels.data(), centroids.data(), 3, Metric::kEuclidean);
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[0].size, 3u);
  EXPECT_EQ(summaries[0].representative, 2);
  EXPECT_EQ(summaries[0].members, (std::vector<uint32_t>{2, 0, 1}));
  EXPECT_EQ(summaries[1].members, (std::vector<uint32_t>{3, 4}));  // a tie keeps index order
  EXPECT_EQ(summaries[2].size, 0u);
  EXPECT_EQ(summaries[2].representative, -1);
}

class PcaMatchesNumpySvd : public ::testing::TestWithParam<const char*> {};

TEST_P(PcaMatchesNumpySvd, AxesCoordinatesAndVarianceUpToSign) {
  auto ref =
      ReadNamedArrays(ReferencePath(std::string("clustering/pca-") + GetParam() + ".arrays"));
  const auto& x = ref["x"];
  const size_t n = x.shape[0], d = x.shape[1];
  Pca2d pca = PrincipalComponents2d(x.Floats().data(), n, d).value();
  for (size_t axis = 0; axis < 2; ++axis) {
    const double* want = &ref["components"].values[axis * d];
    double dot = 0;
    for (size_t a = 0; a < d; ++a) dot += want[a] * pca.components[axis * d + a];
    const double sign = dot < 0 ? -1 : 1;
    for (size_t a = 0; a < d; ++a) EXPECT_NEAR(pca.components[axis * d + a], sign * want[a], 1e-6);
    for (size_t i = 0; i < n; ++i) {
      const double coord = ref["coords"].values[i * 2 + axis];
      EXPECT_NEAR(pca.coords[i * 2 + axis], sign * coord, 1e-4 * (1 + std::fabs(coord)));
    }
    EXPECT_NEAR(pca.explained_variance[axis], ref["explained_variance"].values[axis],
                1e-9 * ref["explained_variance"].values[axis]);
    EXPECT_NEAR(pca.explained_variance_ratio[axis], ref["explained_ratio"].values[axis], 1e-9);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PcaMatchesNumpySvd, ::testing::Values("d20", "d512"));

TEST(Pca, SignsAreDeterministicAndDegenerateInputIsHandled) {
  std::vector<float> x = testing::RandomVectors(50, 6, 3);
  Pca2d a = PrincipalComponents2d(x.data(), 50, 6).value();
  for (size_t axis = 0; axis < 2; ++axis) {
    size_t largest = 0;
    for (size_t j = 1; j < 6; ++j) {
      if (std::fabs(a.components[axis * 6 + j]) > std::fabs(a.components[axis * 6 + largest]))
        largest = j;
    }
    EXPECT_GT(a.components[axis * 6 + largest], 0);
  }
  const std::vector<float> same = {1, 2, 1, 2, 1, 2};  // no variance at all
  Pca2d flat = PrincipalComponents2d(same.data(), 3, 2).value();
  for (float c : flat.coords) EXPECT_EQ(c, 0);
  EXPECT_EQ(flat.explained_variance_ratio[0], 0);
  EXPECT_EQ(PrincipalComponents2d(same.data(), 1, 2).status().message(),
            "PCA needs at least 2 points of 1 or more dimensions");
}

}  // namespace
}  // namespace clipscope
