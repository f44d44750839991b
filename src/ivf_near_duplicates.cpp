// IvfIndex::NearDuplicates: all-pairs only within neighbourhoods of lists. Two near copies sit
// in one list, or in lists whose centroids are close; comparing each list with itself and its
// nearest lists finds (bench/RESULTS.md) all but a sliver of the exact scan's pairs in a
// fraction of its n²/2 dot products.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>

#include "ivf_index.h"
#include "parallel.h"
#include "simd.h"
#include "union_find.h"

namespace clipscope {
namespace {

// int8 scores pass to the exact check above threshold minus this: well over the int8 error
// of a unit-vector dot product (about 1e-3 at worst).
constexpr float kInt8Margin = 5e-3f;

}  // namespace

// What the near-list search reads and writes; by value to each share (parallel.h).
struct IvfIndex::NearLists {
  const CoarseQuantizer* quantizer;
  const float* centroids;
  size_t dim, lists, probed;
  float* scores;    // lists per range
  uint32_t* order;  // lists per range
  uint32_t* near;   // probed per list
};

void IvfIndex::FindNearLists(NearLists job, size_t range, size_t begin, size_t end) {
  float* scores = job.scores + range * job.lists;
  uint32_t* order = job.order + range * job.lists;
  for (size_t l = begin; l < end; ++l)
    job.quantizer->NearestInto(job.centroids + l * job.dim, job.probed, scores, order,
                               job.near + l * job.probed);
}

// What the scan of pairs of lists reads; by value to each share.
struct IvfIndex::PairScan {
  const List* lists;
  const std::pair<uint32_t, uint32_t>* pairs;
  const size_t* starts;  // share s scans pairs [starts[s], starts[s + 1])
  size_t dim;
  float threshold;
  const float* floats;  // what is stored, when kept (else null: the int8 score decides)
  UnionFind* groups;
};

void IvfIndex::ScanListPairs(PairScan job, size_t share) {
  const size_t d = job.dim;
  for (size_t p = job.starts[share]; p < job.starts[share + 1]; ++p) {
    const auto [first, second] = job.pairs[p];
    const List& la = job.lists[first];
    const List& lb = job.lists[second];
    for (uint32_t a = 0; a < la.items.size(); ++a) {
      for (uint32_t b = first == second ? a + 1 : 0; b < lb.items.size(); ++b) {
        const int32_t dot = simd::DotI8(&la.codes[size_t(a) * d], &lb.codes[size_t(b) * d], d);
        const float approx = float(dot) * la.scales[a] * lb.scales[b];
        if (approx < job.threshold - kInt8Margin) continue;
        const uint32_t ia = la.items[a], ib = lb.items[b];
        float score = approx;
        if (job.floats)
          score = simd::Dot(job.floats + size_t(ia) * d, job.floats + size_t(ib) * d, d);
        if (score >= job.threshold) job.groups->Join(ia, ib);
      }
    }
  }
}

Result<std::vector<std::vector<ItemId>>> IvfIndex::NearDuplicates(float threshold) const {
  if (!(threshold >= -1 && threshold <= 1))
    return Status(ErrorCode::kInvalidArgument,
                  "threshold must be a cosine between -1 and 1, got " + std::to_string(threshold));
  const size_t n = size(), L = lists();
  // 1. Each list's neighbourhood: itself and its nearest lists by centroid (lists in ranges on
  //    the core's threads). A pair of lists is compared once, whichever of the two named the
  //    other.
  const size_t probed = trained() ? std::min(kNearDuplicateLists, L) : 1;
  std::vector<uint32_t> near(L * probed, 0);
  if (trained()) {
    const size_t ranges = RangesFor(L, 16);
    std::vector<float> scores(ranges * L);
    std::vector<uint32_t> order(ranges * L);
    const NearLists job{
        &quantizer_, quantizer_.centroids().data(), dim_, L, probed, scores.data(), order.data(),
        near.data()};
    ForEachRange(L, 16, [job](size_t range, size_t begin, size_t end) {
      FindNearLists(job, range, begin, end);
    });
  }
  // Each pair of lists once (a list with itself too), in order.
  std::vector<std::pair<uint32_t, uint32_t>> list_pairs;
  list_pairs.reserve(L * (probed + 1));
  for (uint32_t l = 0; l < L; ++l) {
    list_pairs.emplace_back(l, l);
    for (size_t p = 0; p < probed; ++p) {
      const uint32_t other = near[l * probed + p];
      list_pairs.emplace_back(std::min(l, other), std::max(l, other));
    }
  }
  std::sort(list_pairs.begin(), list_pairs.end());
  list_pairs.erase(std::unique(list_pairs.begin(), list_pairs.end()), list_pairs.end());
  // 2. Every pair of members of two neighbouring lists (each once within a list): the int8
  //    score, and above threshold - margin the check against what is stored. Pairs of lists
  //    go to the core's threads in ranges of about equal work; the groups do not depend on the
  //    order of the joins (union_find.h).
  UnionFind groups(n);
  std::vector<uint64_t> cost(list_pairs.size());
  for (size_t i = 0; i < list_pairs.size(); ++i)
    cost[i] = uint64_t(lists_[list_pairs[i].first].items.size()) *
                  lists_[list_pairs[i].second].items.size() +
              1;
  const size_t shares = UnevenShares(list_pairs.size());
  const std::vector<size_t> starts = CutByCost(cost, shares);
  const PairScan scan{lists_.data(), list_pairs.data(),
                      starts.data(), dim_,
                      threshold,     options_.keep_floats ? floats_.data() : nullptr,
                      &groups};
  ForEachShare(shares, [scan](size_t share) { ScanListPairs(scan, share); });
  // 3. Groups of two or more, members and groups in insertion order.
  std::vector<uint32_t> by_insertion(n);
  std::iota(by_insertion.begin(), by_insertion.end(), 0u);
  std::sort(by_insertion.begin(), by_insertion.end(),
            [&](uint32_t a, uint32_t b) { return seqs_[a] < seqs_[b]; });
  std::vector<size_t> sizes(n, 0);
  for (uint32_t i = 0; i < n; ++i) ++sizes[groups.Find(i)];
  std::map<uint32_t, size_t> group_of_root;
  std::vector<std::vector<ItemId>> out;
  for (uint32_t item : by_insertion) {
    const uint32_t root = groups.Find(item);
    if (sizes[root] < 2) continue;
    auto [it, added] = group_of_root.emplace(root, out.size());
    if (added) out.emplace_back();
    out[it->second].push_back(ids_.Get(item));
  }
  return out;
}

}  // namespace clipscope
