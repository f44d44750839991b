// Judging and describing a clustering: silhouette score, choosing k, cluster summaries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kmeans.h"
#include "status.h"

namespace clipscope {

struct SilhouetteOptions {
  Metric metric = Metric::kEuclidean;  // euclidean distance, or cosine distance 1 - cos
  size_t sample_size = 0;              // 0: every point (O(n^2 d)); else a random subset
  uint64_t seed = 0;                   // picks the subset
};

// Mean silhouette coefficient, as sklearn.metrics.silhouette_score: for each point,
// (b - a) / max(a, b) with a its mean distance to its own cluster and b the smallest mean
// distance to another cluster; 0 for points alone in their cluster.
// x: n * d floats, labels: n values in [0, number of clusters). Needs 2 <= clusters < n.
Result<double> Silhouette(const float* x, size_t n, size_t d, const int32_t* labels,
                          const SilhouetteOptions& options);

struct AutoKResult {
  std::vector<size_t> ks;        // k_min .. k_max
  std::vector<double> scores;    // silhouette of each k's clustering
  std::vector<double> inertias;  // kmeans inertia of each k
  size_t best_k = 0;             // highest score; ties go to the smaller k
  KMeansResult best;             // the clustering for best_k
};

// Runs KMeans (kmeans_options; its metric is also the silhouette's) for every k in
// [k_min, k_max] and picks the k with the best silhouette. 2 <= k_min <= k_max < n.
Result<AutoKResult> AutoK(const float* x, size_t n, size_t d, size_t k_min, size_t k_max,
                          const KMeansOptions& kmeans_options, size_t silhouette_sample);

struct ClusterSummary {
  size_t size = 0;
  int64_t representative = -1;    // the member closest to the centroid (-1 when empty)
  std::vector<uint32_t> members;  // closest to the centroid first; ties by index
  std::vector<float> distances;   // of each member to the centroid (cosine: 1 - cos)
};

// One summary per cluster. x: n * d, labels: n, centroids: k * d.
std::vector<ClusterSummary> SummarizeClusters(const float* x, size_t n, size_t d,
                                              const int32_t* labels, const float* centroids,
                                              size_t k, Metric metric);

}  // namespace clipscope
