#include "cluster_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "random.h"
#include "simd.h"
#include "size_limits.h"

namespace clipscope {
namespace {

std::string Str(size_t n) { return std::to_string(n); }

// Distance used by the silhouette: euclidean, or cosine distance on unit rows.
float Distance(const float* a, const float* b, size_t d, Metric metric) {
  if (metric == Metric::kEuclidean) return std::sqrt(simd::SquaredDistance(a, b, d));
  return 1.0f - simd::Dot(a, b, d);
}

}  // namespace

Result<double> Silhouette(const float* x_in, size_t n, size_t d, const int32_t* labels_in,
                          const SilhouetteOptions& options) {
  // 1. Pick the points (all, or a seeded subset) and unit-normalise them for cosine.
  // 2. For each point, sum distances to every other point per cluster (each pair once).
  // 3. Combine into (b - a) / max(a, b) and average.
  //    Labels are renumbered 0..clusters-1 in order of value, so any int32 label works and
  //    memory follows the number of distinct labels (at most the points scored), not their size.
  if (n < 2) return Status(ErrorCode::kInvalidArgument, "silhouette needs at least 2 points");
  for (size_t i = 0; i < n; ++i) {
    if (labels_in[i] < 0) {
      return Status(ErrorCode::kInvalidArgument, "label " + Str(i) + " is negative");
    }
  }
  std::vector<uint32_t> chosen(n);
  std::iota(chosen.begin(), chosen.end(), 0u);
  if (options.sample_size && options.sample_size < n) {
    Random rng(options.seed);
    for (size_t i = 0; i < options.sample_size; ++i)
      std::swap(chosen[i], chosen[i + rng.Below(n - i)]);
    chosen.resize(options.sample_size);
    std::sort(chosen.begin(), chosen.end());
  }
  const size_t m = chosen.size();
  std::vector<int32_t> distinct(m);
  for (size_t i = 0; i < m; ++i) distinct[i] = labels_in[chosen[i]];
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const size_t clusters = distinct.size();
  auto renumbered = [&](int32_t label) {
    return size_t(std::lower_bound(distinct.begin(), distinct.end(), label) - distinct.begin());
  };
  std::vector<float> x(m * d);
  std::vector<int32_t> labels(m);
  std::vector<size_t> counts(clusters, 0);
  for (size_t i = 0; i < m; ++i) {
    std::copy_n(x_in + size_t(chosen[i]) * d, d, &x[i * d]);
    labels[i] = int32_t(renumbered(labels_in[chosen[i]]));
    ++counts[labels[i]];
    for (size_t j = 0; j < d; ++j) {
      if (!std::isfinite(x[i * d + j])) {
        return Status(ErrorCode::kNotFinite, "point " + Str(chosen[i]) + " holds NaN or Inf");
      }
    }
    if (options.metric == Metric::kCosine) {
      double norm = 0;
      for (size_t j = 0; j < d; ++j) norm += double(x[i * d + j]) * x[i * d + j];
      if (norm == 0)
        return Status(ErrorCode::kZeroVector, "point " + Str(chosen[i]) + " is all zeros");
      for (size_t j = 0; j < d; ++j) x[i * d + j] = float(x[i * d + j] / std::sqrt(norm));
    }
  }
  const size_t used =
      size_t(std::count_if(counts.begin(), counts.end(), [](size_t c) { return c > 0; }));
  if (used < 2 || used >= m) {
    return Status(ErrorCode::kInvalidArgument,
                  "silhouette needs 2 <= number of clusters <= points - 1; got " + Str(used) +
                      " clusters for " + Str(m) + " points");
  }
  size_t sums_size = 0;
  if (!CheckedProduct(m, clusters, &sums_size) || sums_size > (size_t(1) << 28)) {
    return Status(ErrorCode::kOutOfMemory,
                  "silhouette of " + Str(m) + " points in " + Str(clusters) +
                      " clusters needs more than 2 GB: score a sample (sampleSize)");
  }
  std::vector<double> sums(sums_size, 0.0);  // sums[i][c]: distances from i to cluster c
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = i + 1; j < m; ++j) {
      const double dist = Distance(&x[i * d], &x[j * d], d, options.metric);
      sums[i * clusters + labels[j]] += dist;
      sums[j * clusters + labels[i]] += dist;
    }
  }
  double total = 0;
  for (size_t i = 0; i < m; ++i) {
    const size_t own = labels[i];
    if (counts[own] < 2) continue;  // a point alone in its cluster scores 0
    const double a = sums[i * clusters + own] / double(counts[own] - 1);
    double b = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < clusters; ++c) {
      if (c != own && counts[c] > 0) b = std::min(b, sums[i * clusters + c] / double(counts[c]));
    }
    const double larger = std::max(a, b);
    if (larger > 0) total += (b - a) / larger;
  }
  return total / double(m);
}

Result<AutoKResult> AutoK(const float* x, size_t n, size_t d, size_t k_min, size_t k_max,
                          const KMeansOptions& kmeans_options, size_t silhouette_sample) {
  Status bounded = CheckAtMost("kMax", k_max, kMaxClusters);
  if (!bounded.ok()) return bounded;
  if (k_min < 2 || k_min > k_max || k_max >= n) {
    return Status(ErrorCode::kInvalidArgument,
                  "auto k needs 2 <= kMin <= kMax <= n - 1; got kMin = " + Str(k_min) +
                      ", kMax = " + Str(k_max) + ", n = " + Str(n));
  }
  AutoKResult out;
  double best_score = -std::numeric_limits<double>::infinity();
  SilhouetteOptions silhouette{kmeans_options.metric, silhouette_sample, kmeans_options.seed};
  for (size_t k = k_min; k <= k_max; ++k) {
    Result<KMeansResult> clustering = KMeans(x, n, d, k, kmeans_options);
    if (!clustering.ok()) return clustering.status();
    Result<double> score = Silhouette(x, n, d, clustering.value().labels.data(), silhouette);
    // Duplicate points can leave fewer distinct clusters than k: that k scores -1.
    const double value = score.ok() ? score.value() : -1.0;
    out.ks.push_back(k);
    out.scores.push_back(value);
    out.inertias.push_back(clustering.value().inertia);
    if (value > best_score) {
      best_score = value, out.best_k = k;
      out.best = std::move(clustering.value());
    }
  }
  return out;
}

std::vector<ClusterSummary> SummarizeClusters(const float* x, size_t n, size_t d,
                                              const int32_t* labels, const float* centroids,
                                              size_t k, Metric metric) {
  std::vector<ClusterSummary> out(k);
  std::vector<float> distance(n);
  for (size_t i = 0; i < n; ++i) {
    const float* c = centroids + size_t(labels[i]) * d;
    if (metric == Metric::kEuclidean) {
      distance[i] = simd::SquaredDistance(x + i * d, c, d);
    } else {
      const float norm = std::sqrt(simd::Dot(x + i * d, x + i * d, d));
      distance[i] = norm > 0 ? 1.0f - simd::Dot(x + i * d, c, d) / norm : 1.0f;
    }
    out[labels[i]].members.push_back(uint32_t(i));
  }
  for (ClusterSummary& s : out) {
    std::stable_sort(s.members.begin(), s.members.end(),
                     [&](uint32_t a, uint32_t b) { return distance[a] < distance[b]; });
    s.size = s.members.size();
    for (uint32_t i : s.members) s.distances.push_back(distance[i]);
    if (s.size) s.representative = s.members.front();
  }
  return out;
}

}  // namespace clipscope
