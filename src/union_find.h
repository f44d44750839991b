// Disjoint sets over item numbers: the transitive groups of near-duplicate pairs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace clipscope {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  uint32_t Find(uint32_t a) {
    while (parent_[a] != a) a = parent_[a] = parent_[parent_[a]];  // path halving
    return a;
  }
  void Join(uint32_t a, uint32_t b) {
    a = Find(a), b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace clipscope
