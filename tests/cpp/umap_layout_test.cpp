// The UMAP layout and its nearest neighbours: projected and inverted-file candidates find the
// exact neighbours, clusters stay apart in the layout with each point among its own, the same
// seed gives the same layout, coinciding points and tiny inputs work, bad options are named.
#include "umap_layout.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "neighbours.h"
#include "random.h"

namespace clipscope {
namespace {

// `clusters` blobs of `per` points in d dimensions, centres far apart. Like embeddings, each
// blob varies along few directions (8, mapped into d by a random matrix) plus a little noise,
// so nearest neighbours mean something (in an isotropic high-dimensional blob all points are
// about equally far from each other).
std::vector<float> Blobs(size_t clusters, size_t per, size_t d, uint64_t seed) {
  constexpr size_t kLatent = 8;
  Random rng(seed);
  auto normal = [&] {
    const double u1 = 1 - rng.Uniform(), u2 = rng.Uniform();
    return std::sqrt(-2 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  };
  std::vector<float> centres(clusters * d), map(kLatent * d), x(clusters * per * d);
  for (float& c : centres) c = float(5 * normal());
  for (float& m : map) m = float(normal() / std::sqrt(double(kLatent)));
  std::vector<double> latent(kLatent);
  for (size_t c = 0; c < clusters; ++c) {
    for (size_t p = 0; p < per; ++p) {
      for (double& l : latent) l = normal();
      for (size_t j = 0; j < d; ++j) {
        double v = centres[c * d + j] + 0.05 * normal();
        for (size_t l = 0; l < kLatent; ++l) v += latent[l] * map[l * d + j];
        x[(c * per + p) * d + j] = float(v);
      }
    }
  }
  return x;
}

std::vector<uint32_t> ExactNeighbours(const std::vector<float>& x, size_t n, size_t d, size_t i,
                                      size_t k) {
  std::vector<std::pair<double, uint32_t>> all;
  for (size_t j = 0; j < n; ++j) {
    if (j == i) continue;
    double s = 0;
    for (size_t c = 0; c < d; ++c)
      s += (x[i * d + c] - x[j * d + c]) * double(x[i * d + c] - x[j * d + c]);
    all.push_back({s, uint32_t(j)});
  }
  std::sort(all.begin(), all.end());
  std::vector<uint32_t> out;
  for (size_t j = 0; j < k; ++j) out.push_back(all[j].second);
  return out;
}

// Finds k neighbours of every row as the layout does (through the random projection) and
// returns the share of the exact ones found, over every step-th row.
double Recall(const std::vector<float>& x, size_t n, size_t d, size_t k, size_t step) {
  const Neighbours nn =
      NearestNeighbours(x.data(), n, d, k, RandomProjection(x.data(), n, d, 0).data(), 0);
  size_t found = 0, total = 0;
  for (size_t i = 0; i < n; i += step) {
    std::vector<uint32_t> exact = ExactNeighbours(x, n, d, i, nn.k);
    std::set<uint32_t> got(&nn.index[i * nn.k], &nn.index[i * nn.k] + nn.k);
    EXPECT_EQ(got.count(uint32_t(i)), 0u);
    EXPECT_TRUE(std::is_sorted(&nn.distance[i * nn.k], &nn.distance[i * nn.k] + nn.k));
    for (uint32_t j : exact) found += got.count(j);
    total += nn.k;
  }
  return double(found) / double(total);
}

TEST(NearestNeighbours, ProjectedCandidatesFindTheExactNeighbours) {
  const size_t n = 400, d = 256, k = 14;
  std::vector<float> x = Blobs(8, n / 8, d, 3);
  EXPECT_GE(Recall(x, n, d, k, 1), 0.97);
}

TEST(NearestNeighbours, TheInvertedFileFindsTheExactNeighbours) {
  const size_t n = 6000, d = 128, k = 14;  // above kExhaustiveNeighbours
  std::vector<float> x = Blobs(40, n / 40, d, 4);
  EXPECT_GE(Recall(x, n, d, k, 97), 0.95);
}

TEST(NearestNeighbours, NarrowRowsAreExact) {
  const size_t n = 200, d = 8, k = 10;
  std::vector<float> x = Blobs(4, n / 4, d, 5);
  EXPECT_EQ(Recall(x, n, d, k, 1), 1.0);
}

TEST(UmapLayout, KeepsClustersApartAndNeighboursTogether) {
  const size_t clusters = 5, per = 80, n = clusters * per, d = 100;
  std::vector<float> x = Blobs(clusters, per, d, 11);
  auto layout = UmapLayout(x.data(), n, d, {});
  ASSERT_TRUE(layout.ok()) << layout.status().message();
  const std::vector<float>& y = layout.value();
  ASSERT_EQ(y.size(), 2 * n);
  size_t same = 0;
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::pair<float, size_t>> all;
    for (size_t j = 0; j < n; ++j)
      if (j != i) all.push_back({std::hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]), j});
    std::partial_sort(all.begin(), all.begin() + 10, all.end());
    for (size_t m = 0; m < 10; ++m) same += all[m].second / per == i / per;
  }
  EXPECT_GE(double(same) / (10 * n), 0.99);
  double cx = 0, cy = 0;
  for (size_t i = 0; i < n; ++i) cx += y[2 * i], cy += y[2 * i + 1];
  EXPECT_NEAR(cx / n, 0, 1e-3);
  EXPECT_NEAR(cy / n, 0, 1e-3);
  EXPECT_EQ(UmapLayout(x.data(), n, d, {}).value(), y);  // same seed, same layout
}

TEST(UmapLayout, CoincidingPointsAndTinyInputsGiveFiniteLayouts) {
  std::vector<float> same(60 * 4, 0.5f);
  auto flat = UmapLayout(same.data(), 60, 4, {});
  ASSERT_TRUE(flat.ok()) << flat.status().message();
  for (float v : flat.value()) EXPECT_TRUE(std::isfinite(v));
  std::vector<float> three = {0, 0, 1, 0, 5, 5};
  auto small = UmapLayout(three.data(), 3, 2, {});
  ASSERT_TRUE(small.ok()) << small.status().message();
  for (float v : small.value()) EXPECT_TRUE(std::isfinite(v));
}

TEST(UmapLayout, RefusesBadInputByName) {
  std::vector<float> x(40, 1.0f);
  EXPECT_EQ(UmapLayout(x.data(), 2, 2, {}).status().message(),
            "a UMAP layout needs at least 3 points, got 2");
  UmapOptions options;
  options.neighbours = 1;
  EXPECT_EQ(UmapLayout(x.data(), 10, 4, options).status().message(),
            "neighbours must be between 2 and 200");
  options = {};
  options.epochs = 5;
  EXPECT_EQ(UmapLayout(x.data(), 10, 4, options).status().message(),
            "epochs must be 0 (automatic) or between 10 and 5000");
  x[7] = NAN;
  EXPECT_EQ(UmapLayout(x.data(), 10, 4, {}).status().code(), ErrorCode::kNotFinite);
}

}  // namespace
}  // namespace clipscope
