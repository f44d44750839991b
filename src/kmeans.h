// KMeans over row-major float32 data: Lloyd (scikit-learn's semantics), spherical (cosine)
// and mini-batch variants, with k-means++ or random initialisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace clipscope {

enum class Metric : uint8_t {
  kEuclidean = 0,  // squared euclidean distance; centroids are means
  kCosine = 1,     // spherical k-means: unit-length data and centroids, distance 1 - cos
};

enum class KMeansInit : uint8_t {
  kKMeansPlusPlus = 0,  // greedy k-means++ with 2 + floor(ln k) local trials, as scikit-learn
  kRandom = 1,          // k distinct data points
  kGiven = 2,           // KMeansOptions::initial_centroids
};

struct KMeansOptions {
  KMeansInit init = KMeansInit::kKMeansPlusPlus;
  std::vector<float> initial_centroids;  // kGiven: k * d floats
  int n_init = 1;                        // runs with different seeds; the lowest inertia wins
  int max_iter = 300;                    // Lloyd iterations (mini-batch: passes over the data)
  // Convergence when the squared centroid shift summed over clusters is at most
  // tol * (mean per-feature variance of the data), or when no label changes.
  double tol = 1e-4;
  uint64_t seed = 0;
  Metric metric = Metric::kEuclidean;
  size_t mini_batch = 0;  // 0: full Lloyd; else mini-batch k-means with this batch size
};

struct KMeansResult {
  std::vector<float> centroids;  // k * d
  std::vector<int32_t> labels;   // n, in [0, k)
  // Sum over points of the squared distance to their centroid (cosine: of 1 - cos).
  double inertia = 0;
  int iterations = 0;
  bool converged = false;
};

// x: n * d floats. Fails on n == 0, k == 0, k > n, d == 0, NaN/Inf, zero rows (cosine) or
// initial centroids of the wrong size.
Result<KMeansResult> KMeans(const float* x, size_t n, size_t d, size_t k,
                            const KMeansOptions& options);

// labels[i] = index of the centroid nearest x row i; distances[i] its squared euclidean
// distance (cosine: 1 - dot; rows of x and c must then be unit length). Ties go to the lower
// centroid index. x: n * d, c: k * d, labels and distances: n each. x_norms (optional):
// the n squared row norms of x, when the caller already has them.
void AssignNearest(const float* x, size_t n, const float* c, size_t k, size_t d, Metric metric,
                   int32_t* labels, float* distances, const float* x_norms = nullptr);

}  // namespace clipscope
