#include "coarse_quantizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "kmeans.h"
#include "simd.h"

namespace clipscope {
namespace {

// Groups searched when assigning a vector: a vector near a group's border finds its list in
// the neighbouring group.
constexpr size_t kGroupsSearched = 3;
// Lloyd iterations of each level: the lists need to be good partitions, not converged ones.
constexpr int kTrainIterations = 12;

Result<std::vector<float>> SphericalCentroids(const float* x, size_t n, size_t d, size_t k,
                                              uint64_t seed, std::vector<int32_t>* labels) {
  KMeansOptions options;
  options.metric = Metric::kCosine;
  options.init = k > 64 ? KMeansInit::kRandom : KMeansInit::kKMeansPlusPlus;
  options.max_iter = kTrainIterations;
  options.seed = seed;
  auto result = KMeans(x, n, d, k, options);
  if (!result.ok()) return result.status();
  if (labels) *labels = std::move(result.value().labels);
  return std::move(result.value().centroids);
}

// The `count` best of scores, best first (ties: lower index first).
std::vector<uint32_t> Best(const std::vector<float>& scores, size_t count) {
  std::vector<uint32_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  count = std::min(count, order.size());
  auto better = [&](uint32_t a, uint32_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + long(count), order.end(), better);
  order.resize(count);
  return order;
}

}  // namespace

Result<CoarseQuantizer> CoarseQuantizer::Train(const float* x, size_t n, size_t d, size_t lists,
                                               uint64_t seed) {
  if (lists == 0 || n < lists)
    return Status(ErrorCode::kInvalidArgument, "training needs at least as many vectors (" +
                                                   std::to_string(n) + ") as lists (" +
                                                   std::to_string(lists) + ")");
  CoarseQuantizer q;
  q.d_ = d;
  const size_t groups = std::max<size_t>(1, size_t(std::lround(std::sqrt(double(lists)))));
  std::vector<int32_t> group_of_row;
  auto top = SphericalCentroids(x, n, d, groups, seed, &group_of_row);
  if (!top.ok()) return top.status();
  q.group_centroids_ = std::move(top.value());
  // Each group gets lists in proportion to its rows (largest remainders), at least one, at
  // most its rows.
  std::vector<std::vector<uint32_t>> rows(groups);
  for (size_t i = 0; i < n; ++i) rows[size_t(group_of_row[i])].push_back(uint32_t(i));
  std::vector<size_t> share(groups, 0);
  size_t given = 0;
  for (size_t g = 0; g < groups; ++g) {
    share[g] = rows[g].empty() ? 0 : std::max<size_t>(1, lists * rows[g].size() / n);
    share[g] = std::min(share[g], rows[g].size());
    given += share[g];
  }
  // Settle the rounding: take from, or give to, the groups with the most rows per list.
  while (given != lists) {
    size_t pick = groups;
    for (size_t g = 0; g < groups; ++g) {
      const bool can = given < lists ? share[g] < rows[g].size() : share[g] > 1;
      if (!can) continue;
      const double load = double(rows[g].size()) / double(std::max<size_t>(share[g], 1));
      const double best = pick == groups ? 0 : double(rows[pick].size()) / double(share[pick]);
      if (pick == groups || (given < lists ? load > best : load < best)) pick = g;
    }
    if (pick == groups) break;  // cannot happen: n >= lists
    given < lists ? (++share[pick], ++given) : (--share[pick], --given);
  }
  std::vector<float> gathered;
  for (size_t g = 0; g < groups; ++g) {
    if (share[g] == 0) continue;
    gathered.resize(rows[g].size() * d);
    for (size_t r = 0; r < rows[g].size(); ++r)
      std::copy_n(x + size_t(rows[g][r]) * d, d, &gathered[r * d]);
    auto within =
        SphericalCentroids(gathered.data(), rows[g].size(), d, share[g], seed + 1 + g, nullptr);
    if (!within.ok()) return within.status();
    q.centroids_.insert(q.centroids_.end(), within.value().begin(), within.value().end());
    q.group_of_list_.insert(q.group_of_list_.end(), share[g], uint32_t(g));
  }
  q.IndexMembers();
  return q;
}

Result<CoarseQuantizer> CoarseQuantizer::FromParts(size_t d, std::vector<float> centroids,
                                                   std::vector<float> group_centroids,
                                                   std::vector<uint32_t> group_of_list) {
  const size_t groups = group_centroids.size() / std::max<size_t>(d, 1);
  if (d == 0 || centroids.size() != group_of_list.size() * d ||
      group_centroids.size() != groups * d || groups == 0 || group_of_list.empty())
    return Status(ErrorCode::kCorruptData, "index data is corrupt: centroid sizes do not match");
  for (uint32_t g : group_of_list) {
    if (g >= groups)
      return Status(ErrorCode::kCorruptData,
                    "index data is corrupt: a list's group is out of range");
  }
  for (float v : centroids) {
    if (!std::isfinite(v))
      return Status(ErrorCode::kCorruptData, "index data is corrupt: a centroid is not finite");
  }
  for (float v : group_centroids) {
    if (!std::isfinite(v))
      return Status(ErrorCode::kCorruptData, "index data is corrupt: a centroid is not finite");
  }
  CoarseQuantizer q;
  q.d_ = d;
  q.centroids_ = std::move(centroids);
  q.group_centroids_ = std::move(group_centroids);
  q.group_of_list_ = std::move(group_of_list);
  q.IndexMembers();
  return q;
}

void CoarseQuantizer::IndexMembers() {
  members_.assign(group_centroids_.size() / d_, {});
  for (size_t l = 0; l < group_of_list_.size(); ++l)
    members_[group_of_list_[l]].push_back(uint32_t(l));
}

void CoarseQuantizer::Assign(const float* x, size_t n, uint32_t* lists, float* distances) const {
  const size_t groups = this->groups();
  const size_t searched = std::min(kGroupsSearched, groups);
  std::vector<float> group_scores(groups);
  std::vector<size_t> top(searched);
  for (size_t i = 0; i < n; ++i) {
    const float* row = x + i * d_;
    for (size_t g = 0; g < groups; ++g)
      group_scores[g] = simd::Dot(row, &group_centroids_[g * d_], d_);
    // The few best groups by selection (searched is small).
    for (size_t s = 0; s < searched; ++s) {
      size_t pick = groups;
      for (size_t g = 0; g < groups; ++g) {
        if (std::find(top.begin(), top.begin() + long(s), g) != top.begin() + long(s)) continue;
        if (pick == groups || group_scores[g] > group_scores[pick]) pick = g;
      }
      top[s] = pick;
    }
    uint32_t best = 0;
    float best_score = -INFINITY;
    for (size_t s = 0; s < searched; ++s) {
      const std::vector<uint32_t>& lists_of_group = members_[top[s]];
      size_t m = 0;
      float dots[4];
      for (; m + 2 <= lists_of_group.size(); m += 2) {
        simd::Dot2x2(row, row, &centroids_[size_t(lists_of_group[m]) * d_],
                     &centroids_[size_t(lists_of_group[m + 1]) * d_], d_, dots);
        for (int j = 0; j < 2; ++j) {
          const uint32_t l = lists_of_group[m + size_t(j)];
          if (dots[j] > best_score || (dots[j] == best_score && l < best))
            best_score = dots[j], best = l;
        }
      }
      for (; m < lists_of_group.size(); ++m) {
        const uint32_t l = lists_of_group[m];
        const float dot = simd::Dot(row, &centroids_[size_t(l) * d_], d_);
        if (dot > best_score || (dot == best_score && l < best)) best_score = dot, best = l;
      }
    }
    lists[i] = best;
    if (distances) distances[i] = 1.0f - best_score;
  }
}

std::vector<uint32_t> CoarseQuantizer::Nearest(const float* query, size_t count) const {
  std::vector<float> scores(lists());
  for (size_t l = 0; l < lists(); ++l) scores[l] = simd::Dot(query, &centroids_[l * d_], d_);
  return Best(scores, count);
}

size_t CoarseQuantizer::MemoryBytes() const {
  size_t bytes = (centroids_.capacity() + group_centroids_.capacity()) * sizeof(float) +
                 group_of_list_.capacity() * sizeof(uint32_t);
  for (const auto& m : members_) bytes += m.capacity() * sizeof(uint32_t) + sizeof m;
  return bytes;
}

}  // namespace clipscope
