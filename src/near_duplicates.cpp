// EmbeddingIndex::Rows and EmbeddingIndex::NearDuplicates: the index seen as a data matrix.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "embedding_index.h"
#include "parallel.h"
#include "quantize.h"
#include "simd.h"
#include "union_find.h"

namespace clipscope {
namespace {

// Rows per tile of the all-pairs scan: two tiles (i and j) of 64 KiB each stay in L2.
constexpr size_t kTileBytes = 64 * 1024;

// What the all-pairs scan reads, as values (a parallel share copies them into its own frame).
struct PairScan {
  const float* x;          // n * d unit rows
  const float* rest_norm;  // n: norm of each row's dims from `head` on
  size_t n, d, head, tile, tiles;
  float threshold, cut;
  UnionFind* groups;
};

// Tile pairs [first, last) of the upper triangle (tile i, tile j >= i), in row order: two rows
// against two rows per kernel call over the first `head` dims; pairs that the bound cannot rule
// out get the full dot product and, at or above the threshold, are joined.
void ScanTilePairs(const PairScan scan, size_t first, size_t last) {
  const size_t d = scan.d, head = scan.head;
  const float* const x = scan.x;
  auto consider = [&scan, x, d, head](size_t a, size_t b, float partial) {
    if (a >= b) return;
    if (head < d) {
      if (partial + scan.rest_norm[a] * scan.rest_norm[b] < scan.cut) return;
      partial = simd::Dot(x + a * d, x + b * d, d);
    }
    if (partial >= scan.threshold) scan.groups->Join(uint32_t(a), uint32_t(b));
  };
  size_t ti = 0, skip = first;  // the tile pair numbered `first`
  while (skip >= scan.tiles - ti) skip -= scan.tiles - ti, ++ti;
  size_t tj = ti + skip;
  float s[4];
  for (size_t pair = first; pair < last; ++pair) {
    const size_t i0 = ti * scan.tile, i1 = std::min(scan.n, i0 + scan.tile);
    const size_t j0 = tj * scan.tile, j1 = std::min(scan.n, j0 + scan.tile);
    size_t a = i0;
    for (; a + 2 <= i1; a += 2) {
      size_t b = j0;
      for (; b + 2 <= j1; b += 2) {
        simd::Dot2x2(x + a * d, x + (a + 1) * d, x + b * d, x + (b + 1) * d, head, s);
        consider(a, b, s[0]), consider(a, b + 1, s[1]);
        consider(a + 1, b, s[2]), consider(a + 1, b + 1, s[3]);
      }
      for (; b < j1; ++b) {
        consider(a, b, simd::Dot(x + a * d, x + b * d, head));
        consider(a + 1, b, simd::Dot(x + (a + 1) * d, x + b * d, head));
      }
    }
    for (; a < i1; ++a) {
      for (size_t b = j0; b < j1; ++b) consider(a, b, simd::Dot(x + a * d, x + b * d, head));
    }
    if (++tj == scan.tiles) ++ti, tj = ti;
  }
}

}  // namespace

Result<const float*> EmbeddingIndex::Rows(const std::vector<ItemId>* ids,
                                          std::vector<float>* scratch,
                                          std::vector<ItemId>* row_ids) const {
  std::vector<uint32_t> slots;
  if (ids) {
    for (const ItemId& id : *ids) {
      auto found = slot_of_.find(id);
      if (found == slot_of_.end()) {
        return Status(ErrorCode::kUnknownId, "id " + DescribeId(id) + " is not in the index");
      }
      slots.push_back(found->second);
    }
    *row_ids = *ids;
  } else {
    *row_ids = ids_;
    if (has_floats()) return vectors_.data();
    slots.resize(size());
    std::iota(slots.begin(), slots.end(), 0u);
  }
  scratch->resize(slots.size() * dim_);
  for (size_t i = 0; i < slots.size(); ++i) {
    const size_t slot = slots[i];
    if (has_floats()) {
      std::copy_n(vectors_.begin() + slot * dim_, dim_, scratch->begin() + i * dim_);
    } else {
      DequantizeInt8(codes_.data() + slot * dim_, scales_[slot], dim_, scratch->data() + i * dim_);
    }
  }
  return static_cast<const float*>(scratch->data());
}

std::vector<uint32_t> EmbeddingIndex::SlotsInInsertionOrder() const {
  std::vector<uint32_t> slots(size());
  std::iota(slots.begin(), slots.end(), 0u);
  std::sort(slots.begin(), slots.end(),
            [&](uint32_t a, uint32_t b) { return seqs_[a] < seqs_[b]; });
  return slots;
}

std::vector<ItemId> EmbeddingIndex::IdsInInsertionOrder() const {
  std::vector<ItemId> ids;
  ids.reserve(size());
  for (uint32_t slot : SlotsInInsertionOrder()) ids.push_back(ids_[slot]);
  return ids;
}

Result<std::vector<std::vector<ItemId>>> EmbeddingIndex::NearDuplicates(float threshold) const {
  // 1. All pairs, tile by tile (tile j >= tile i), two rows against two rows per kernel call,
  //    ranges of tile pairs in parallel.
  // 2. Each pair's dot product over the first quarter of the dimensions, plus the
  //    Cauchy-Schwarz bound |a_rest| |b_rest| on the remainder, decides whether the pair
  //    can reach the threshold at all (most pairs cannot, and are skipped).
  // 3. The others get the full dot product (the same kernel as a search) and, at or above the
  //    threshold, join a union-find. 4. Components of two or more become groups.
  if (!(threshold >= -1 && threshold <= 1)) {
    return Status(ErrorCode::kInvalidArgument,
                  "threshold must be a cosine between -1 and 1, got " + std::to_string(threshold));
  }
  std::vector<float> scratch;
  std::vector<ItemId> row_ids;
  const float* x = Rows(nullptr, &scratch, &row_ids).value();
  const size_t n = size(), d = dim_;
  const size_t head = d >= 64 ? d / 4 / 8 * 8 : d;  // dims of the first, bounding pass
  std::vector<float> rest_norm(n, 0.0f);
  for (size_t i = 0; i < n && head < d; ++i) {
    double sum = 0;
    for (size_t j = head; j < d; ++j) sum += double(x[i * d + j]) * x[i * d + j];
    rest_norm[i] = float(std::sqrt(sum));
  }
  // The bound must never skip a real match: a margin well above float rounding of the
  // partial dot products and norms (about 1e-6 for unit rows).
  const float cut = threshold - 1e-4f;
  const size_t tile = std::max<size_t>(2, kTileBytes / (d * sizeof(float)) / 2 * 2);
  UnionFind groups(n);
  // Tile pairs in parallel shares (ranges of the triangle, a few per thread, claimed by whichever
  // thread is free: how many pairs pass the bound differs from range to range): a set's members
  // do not depend on the order of the joins. Tiles hold 64 KiB of the index, which wasm32
  // memory bounds to 65,536 of them: the pair count stays below 2^31.
  const size_t tiles = (n + tile - 1) / tile;
  const PairScan scan{x, rest_norm.data(), n, d, head, tile, tiles, threshold, cut, &groups};
  ForUnevenRanges(tiles * (tiles + 1) / 2,
                  [scan](size_t first, size_t last) { ScanTilePairs(scan, first, last); });
  std::vector<uint32_t> by_insertion(n);
  std::iota(by_insertion.begin(), by_insertion.end(), 0u);
  std::sort(by_insertion.begin(), by_insertion.end(),
            [&](uint32_t a, uint32_t b) { return seqs_[a] < seqs_[b]; });
  std::map<uint32_t, size_t> group_of_root;  // root -> position in out
  std::vector<std::vector<ItemId>> out;
  std::vector<size_t> sizes(n, 0);
  for (size_t i = 0; i < n; ++i) ++sizes[groups.Find(uint32_t(i))];
  for (uint32_t slot : by_insertion) {
    const uint32_t root = groups.Find(slot);
    if (sizes[root] < 2) continue;
    auto [it, added] = group_of_root.emplace(root, out.size());
    if (added) out.emplace_back();
    out[it->second].push_back(ids_[slot]);
  }
  return out;
}

}  // namespace clipscope
