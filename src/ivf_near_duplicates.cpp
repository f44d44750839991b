// IvfIndex::NearDuplicates: all-pairs only within neighbourhoods of lists. Two near copies sit
// in one list, or in lists whose centroids are close; comparing each list with itself and its
// nearest lists finds (bench/RESULTS.md) all but a sliver of the exact scan's pairs in a
// fraction of its n²/2 dot products.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "ivf_index.h"
#include "simd.h"
#include "union_find.h"

namespace clipscope {
namespace {

// int8 scores pass to the exact check above threshold minus this: well over the int8 error
// of a unit-vector dot product (about 1e-3 at worst).
constexpr float kInt8Margin = 5e-3f;

}  // namespace

Result<std::vector<std::vector<ItemId>>> IvfIndex::NearDuplicates(float threshold) const {
  if (!(threshold >= -1 && threshold <= 1))
    return Status(ErrorCode::kInvalidArgument,
                  "threshold must be a cosine between -1 and 1, got " + std::to_string(threshold));
  const size_t n = size(), L = lists();
  // 1. Each list's neighbourhood: itself and its nearest lists by centroid. A pair of lists is
  //    compared once, whichever of the two named the other.
  std::set<std::pair<uint32_t, uint32_t>> pairs;
  for (uint32_t l = 0; l < L; ++l) {
    const std::vector<uint32_t> near =
        trained() ? quantizer_.Nearest(&quantizer_.centroids()[size_t(l) * dim_],
                                       std::min(kNearDuplicateLists, L))
                  : std::vector<uint32_t>{0};
    pairs.emplace(l, l);
    for (uint32_t other : near) pairs.emplace(std::min(l, other), std::max(l, other));
  }
  // 2. Every pair of members of two neighbouring lists (each once within a list): the int8
  //    score, and above threshold - margin the check against what is stored.
  UnionFind groups(n);
  std::vector<float> a_row(dim_), b_row(dim_);
  auto check = [&](const List& la, uint32_t a, const List& lb, uint32_t b) {
    const int32_t dot = simd::DotI8(&la.codes[size_t(a) * dim_], &lb.codes[size_t(b) * dim_], dim_);
    const float approx = float(dot) * la.scales[a] * lb.scales[b];
    const uint32_t ia = la.items[a], ib = lb.items[b];
    if (approx < threshold - kInt8Margin) return;
    float score = approx;
    if (options_.keep_floats)
      score = simd::Dot(&floats_[size_t(ia) * dim_], &floats_[size_t(ib) * dim_], dim_);
    if (score >= threshold) groups.Join(ia, ib);
  };
  for (const auto& [first, second] : pairs) {
    const List& la = lists_[first];
    const List& lb = lists_[second];
    for (uint32_t a = 0; a < la.items.size(); ++a) {
      for (uint32_t b = first == second ? a + 1 : 0; b < lb.items.size(); ++b) check(la, a, lb, b);
    }
  }
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
