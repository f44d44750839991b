#include "centroid_groups.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "parallel.h"
#include "simd.h"

namespace clipscope {
namespace {

constexpr int kGroupingIterations = 5;
constexpr size_t kRoomFactor = 2;
// Small groups: the mean of a few centroids still points towards each of them, even when they
// are nearly orthogonal (the mean of thirty would be too faint to find among the others).
constexpr size_t kMembersPerGroup = 8;
// Grouping costs k · groups · d per Lloyd step: past 2,048 centroids the groups grow instead.
constexpr size_t kMaxGroups = 256;

}  // namespace

CentroidGroups::CentroidGroups(const float* c, size_t k, size_t d, Metric metric, uint64_t seed)
    : k_(k), d_(d), metric_(metric) {
  const size_t groups = std::clamp<size_t>(k / kMembersPerGroup, 1, kMaxGroups);
  KMeansOptions options;
  options.init = KMeansInit::kKMeansPlusPlus;
  options.max_iter = kGroupingIterations;
  options.seed = seed;
  // Euclidean whatever the metric: the same ranking for unit centroids, and no failure on a
  // zero one. Finite centroids and groups <= k: this cannot fail.
  options.metric = Metric::kEuclidean;
  const KMeansResult grouping = KMeans(c, k, d, groups, options).value();
  // At most kRoomFactor times the mean group size, so that probing a few groups never means
  // most of the centroids (k-means on nearly orthogonal centroids puts many in one group): each
  // centroid goes to its nearest group with room, the closest (centroid, group) pairs first.
  std::vector<float> scores(k * groups);
  float* const score = scores.data();
  const float* const means = grouping.centroids.data();
  ForRanges(k, std::max<size_t>(1, (size_t(1) << 16) / (groups * d + 1)),
            [=](size_t first, size_t last) {
              for (size_t j = first; j < last; ++j) {
                for (size_t g = 0; g < groups; ++g) {
                  const float* m = means + g * d;
                  score[j * groups + g] = metric == Metric::kEuclidean
                                              ? simd::SquaredDistance(c + j * d, m, d)
                                              : -simd::Dot(c + j * d, m, d);
                }
              }
            });
  std::vector<uint32_t> pairs(k * groups);
  std::iota(pairs.begin(), pairs.end(), 0u);
  std::stable_sort(pairs.begin(), pairs.end(),
                   [&](uint32_t a, uint32_t b) { return scores[a] < scores[b]; });
  const size_t room = kRoomFactor * ((k + groups - 1) / groups);
  std::vector<size_t> filled(groups, 0);
  group_of_.assign(k, -1);
  for (uint32_t pair : pairs) {
    const size_t j = pair / groups, g = pair % groups;
    if (group_of_[j] >= 0 || filled[g] == room) continue;
    group_of_[j] = int32_t(g);
    ++filled[g];
  }
  start_.assign(groups + 1, 0);
  for (int32_t g : group_of_) ++start_[size_t(g) + 1];
  for (size_t g = 0; g < groups; ++g) start_[g + 1] += start_[g];
  order_.resize(k);
  std::vector<size_t> next(start_.begin(), start_.end() - 1);
  for (size_t j = 0; j < k; ++j) order_[next[size_t(group_of_[j])]++] = uint32_t(j);
  Update(c);
}

void CentroidGroups::Update(const float* c) {
  const size_t groups = start_.size() - 1;
  rows_.resize(k_ * d_);
  row_norms_.resize(k_);
  means_.assign(groups * d_, 0.0f);
  mean_norms_.resize(groups);
  // Ranges of groups in parallel shares (a few thousand multiply-adds per group each), each
  // summing in its own row of `sums`.
  const size_t grain = std::max<size_t>(1, (size_t(1) << 16) / (kMembersPerGroup * d_ + 1));
  std::vector<double> sums(RangesFor(groups, grain) * d_);
  double* const sum_of_range = sums.data();
  CentroidGroups* const self = this;
  ForEachRange(groups, grain, [=](size_t range, size_t first, size_t last) {
    for (size_t g = first; g < last; ++g) self->UpdateGroup(g, c, sum_of_range + range * self->d_);
  });
}

void CentroidGroups::UpdateGroup(size_t g, const float* c, double* sum) {
  std::fill(sum, sum + d_, 0.0);
  for (size_t r = start_[g]; r < start_[g + 1]; ++r) {
    const float* centre = c + size_t(order_[r]) * d_;
    std::copy_n(centre, d_, &rows_[r * d_]);
    row_norms_[r] = simd::Dot(centre, centre, d_);
    for (size_t j = 0; j < d_; ++j) sum[j] += centre[j];
  }
  const double members = double(std::max<size_t>(1, start_[g + 1] - start_[g]));
  double norm = 0;
  for (size_t j = 0; j < d_; ++j) norm += (sum[j] / members) * (sum[j] / members);
  // Cosine compares directions: the mean's, at unit length.
  const double scale = metric_ == Metric::kCosine && norm > 0 ? 1.0 / std::sqrt(norm) : 1.0;
  for (size_t j = 0; j < d_; ++j) means_[g * d_ + j] = float(sum[j] / members * scale);
  mean_norms_[g] = simd::Dot(&means_[g * d_], &means_[g * d_], d_);
}

void CentroidGroups::Assign(const float* x, size_t n, const float* x_norms, int32_t* labels,
                            float* distances) const {
  // Block by block, each its own call: a WebAssembly engine optimises a function for its later
  // calls only, so a million points in one call would all run in baseline code. One block per
  // parallel share (claimed by whichever thread is free, so all end together), each with a
  // scratch that no running share holds: a point's label depends on it alone.
  const size_t blocks = (n + kBlockPoints - 1) / kBlockPoints;
  ScratchSlots<BlockScratch> slots(std::clamp<size_t>(blocks, 1, WorkerThreads()), MakeScratch());
  ScratchSlots<BlockScratch>* const scratch = &slots;
  const CentroidGroups* const self = this;
  ForEachShare(blocks, [=](size_t b) {
    const size_t from = b * kBlockPoints;
    scratch->With([=](BlockScratch* s) {
      self->AssignBlock(x + from * self->d_, std::min(kBlockPoints, n - from),
                        x_norms ? x_norms + from : nullptr, labels + from, distances + from, s);
    });
  });
}

CentroidGroups::BlockScratch CentroidGroups::MakeScratch() const {
  const size_t groups = start_.size() - 1, probed = std::min(kGroupsProbed, groups);
  BlockScratch s;
  s.group_scores.resize(kBlockPoints * groups);
  s.best.resize(kBlockPoints);
  s.best_centre.resize(kBlockPoints);
  s.probes.resize(kBlockPoints * probed);
  s.list_start.resize(groups + 1);
  s.points.resize(kBlockPoints * probed);
  s.next.resize(groups);
  return s;
}

void CentroidGroups::AssignBlock(const float* block, size_t m, const float* x_norms,
                                 int32_t* labels, float* distances, BlockScratch* scratch) const {
  const size_t groups = start_.size() - 1;
  const size_t probed = std::min(kGroupsProbed, groups);
  const bool euclidean = metric_ == Metric::kEuclidean;
  // What is minimised, as AssignNearest: |c|^2 - 2 x.c (euclidean) or -x.c.
  auto score = [&](float norm, float dot) { return euclidean ? norm - 2 * dot : -dot; };
  float *const group_scores = scratch->group_scores.data(), *const best = scratch->best.data();
  uint32_t *const best_centre = scratch->best_centre.data(), *const probes = scratch->probes.data(),
                  *const list_start = scratch->list_start.data(),
                  *const points = scratch->points.data(), *const next = scratch->next.data();
  // 1. Each point against the group means (up to five points, two means per kernel call).
  simd::ForEachDotBlock(m, simd::kMaxDotBlock, [&](size_t first, size_t size) {
    const float* x[simd::kMaxDotBlock];
    for (size_t p = 0; p < size; ++p) x[p] = block + (first + p) * d_;
    float dots[2 * simd::kMaxDotBlock];
    for (size_t g = 0; g < groups; g += 2) {
      const size_t h = g + 1 < groups ? g + 1 : g;
      simd::DotMx2(x, size, &means_[g * d_], &means_[h * d_], d_, dots);
      for (size_t p = 0; p < size; ++p) {
        group_scores[(first + p) * groups + g] = score(mean_norms_[g], dots[2 * p]);
        group_scores[(first + p) * groups + h] = score(mean_norms_[h], dots[2 * p + 1]);
      }
    }
  });
  // 2. Each point's nearest groups, then the points of each group (counting sort).
  std::fill(list_start, list_start + groups + 1, 0u);
  for (size_t i = 0; i < m; ++i) {
    const float* s = &group_scores[i * groups];
    uint32_t* p = &probes[i * probed];
    for (size_t q = 0; q < probed; ++q) p[q] = uint32_t(groups);
    for (size_t g = 0; g < groups; ++g) {
      size_t at = probed;
      while (at > 0 && (p[at - 1] == groups || s[g] < s[p[at - 1]])) --at;
      if (at == probed) continue;
      std::move_backward(p + at, p + probed - 1, p + probed);
      p[at] = uint32_t(g);
    }
    for (size_t q = 0; q < probed; ++q) ++list_start[p[q] + 1];
  }
  for (size_t g = 0; g < groups; ++g) list_start[g + 1] += list_start[g];
  std::copy(list_start, list_start + groups, next);
  for (size_t i = 0; i < m; ++i) {
    for (size_t q = 0; q < probed; ++q) points[next[probes[i * probed + q]]++] = uint32_t(i);
  }
  // 3. Every group against its points: up to five points, two centroids per kernel call;
  //    each (point, centroid) pair once. Ties go to the lower centroid index, whatever the order.
  std::fill(best, best + m, std::numeric_limits<float>::infinity());
  std::fill(best_centre, best_centre + m, 0u);
  auto consider = [&](uint32_t i, size_t r, float dot) {
    const float s = score(row_norms_[r], dot);
    const uint32_t centre = order_[r];
    if (s < best[i] || (s == best[i] && centre < best_centre[i]))
      best[i] = s, best_centre[i] = centre;
  };
  for (size_t g = 0; g < groups; ++g) {
    const uint32_t* list = &points[list_start[g]];
    const size_t first = start_[g], last = start_[g + 1];
    const size_t count = list_start[g + 1] - list_start[g];
    simd::ForEachDotBlock(count, simd::kMaxDotBlock, [&](size_t at, size_t size) {
      const float* x[simd::kMaxDotBlock];
      for (size_t p = 0; p < size; ++p) x[p] = block + size_t(list[at + p]) * d_;
      float dots[2 * simd::kMaxDotBlock];
      size_t r = first;
      for (; r + 2 <= last; r += 2) {
        simd::DotMx2(x, size, &rows_[r * d_], &rows_[(r + 1) * d_], d_, dots);
        for (size_t p = 0; p < size; ++p) {
          consider(list[at + p], r, dots[2 * p]);
          consider(list[at + p], r + 1, dots[2 * p + 1]);
        }
      }
      if (r < last) {
        for (size_t p = 0; p < size; ++p)
          consider(list[at + p], r, simd::Dot(x[p], &rows_[r * d_], d_));
      }
    });
  }
  for (size_t i = 0; i < m; ++i) {
    labels[i] = int32_t(best_centre[i]);
    distances[i] = euclidean ? std::max(0.0f, x_norms[i] + best[i]) : 1.0f + best[i];
  }
}

}  // namespace clipscope
