// Disjoint sets over item numbers: the transitive groups of near-duplicate pairs. Safe to join
// from several threads at once: a root is linked under a smaller one by compareExchange, so
// every set's root is its smallest item whatever the order of the joins.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace clipscope {

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) {
    for (size_t i = 0; i < n; ++i) parent_[i].store(uint32_t(i), std::memory_order_relaxed);
  }
  uint32_t Find(uint32_t a) {
    for (;;) {  // path halving: links only ever point to smaller items, so no cycle can form
      uint32_t parent = parent_[a].load(std::memory_order_relaxed);
      if (parent == a) return a;
      const uint32_t grandparent = parent_[parent].load(std::memory_order_relaxed);
      if (grandparent != parent)
        parent_[a].compare_exchange_weak(parent, grandparent, std::memory_order_relaxed);
      a = grandparent;
    }
  }
  void Join(uint32_t a, uint32_t b) {
    for (;;) {
      a = Find(a), b = Find(b);
      if (a == b) return;
      if (a > b) std::swap(a, b);
      uint32_t root = b;  // still a root only if no other thread linked it meanwhile
      if (parent_[b].compare_exchange_strong(root, a, std::memory_order_acq_rel)) return;
    }
  }

 private:
  std::vector<std::atomic<uint32_t>> parent_;
};

}  // namespace clipscope
