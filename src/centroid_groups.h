// Assigning points to the nearest of many centroids (k in the hundreds or thousands) with a
// fraction of the dot products, for mini-batch k-means at a million points. The centroids are split
// into small groups (about eight each, at most twice that; a few Lloyd steps over the centroids
// themselves); a point is compared with every group mean, then exactly with the centroids of its
// kGroupsProbed nearest groups — about k/8 + 64 dot products instead of k. The mean of a few
// centroids still points towards each of them even when they are nearly orthogonal, so a point
// whose nearest centroid sits in a group it did not probe is rare (centroid_groups_test measures
// it); it then gets the best of those it did. Points go in blocks: each group's centroids are
// compared with all the block's points that probe it while they are in cache, two points and two
// centroids per kernel call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kmeans.h"

namespace clipscope {

class CentroidGroups {
 public:
  static constexpr size_t kGroupsProbed = 8;

  // c: k * d centroids (unit rows for kCosine). Groups them (seeded, deterministic).
  CentroidGroups(const float* c, size_t k, size_t d, Metric metric, uint64_t seed);

  // The centroids moved (same k): keeps the grouping, refreshes the rows and group means (the
  // constructor ends with it).
  void Update(const float* c);

  // As AssignNearest (kmeans.h): labels and distances of n points, through the groups.
  // x_norms (the points' squared norms) is only read for kEuclidean.
  void Assign(const float* x, size_t n, const float* x_norms, int32_t* labels,
              float* distances) const;

  // Points are assigned in blocks of at most kBlockPoints: a block's group lists are built
  // together, and a group's centroids stay in cache while every point of the block that probes
  // it is compared with them. A point's label depends on it alone, wherever blocks begin.
  // The parts below let a caller run blocks in its own parallel shares; each share running at
  // the same time needs a scratch of its own, made beforehand.
  static constexpr size_t kBlockPoints = 512;
  struct BlockScratch {
    std::vector<float> group_scores, best;
    std::vector<uint32_t> best_centre, probes, list_start, points, next;
  };
  BlockScratch MakeScratch() const;
  // Assign for one block of m <= kBlockPoints points (centroid_groups.cpp); allocates nothing.
  __attribute__((noinline)) void AssignBlock(const float* block, size_t m, const float* x_norms,
                                             int32_t* labels, float* distances,
                                             BlockScratch* scratch) const;

 private:
  // Update for group g, summing its centroids in `sum` (d values); allocates nothing.
  void UpdateGroup(size_t g, const float* c, double* sum);

  size_t k_, d_;
  Metric metric_;
  std::vector<int32_t> group_of_;  // centroid -> group
  std::vector<uint32_t> order_;    // row -> centroid, rows grouped
  std::vector<size_t> start_;      // group g's rows: [start_[g], start_[g + 1])
  std::vector<float> rows_;        // k * d centroids in row order
  std::vector<float> row_norms_;   // |c|^2 per row
  std::vector<float> means_;       // groups * d (unit for kCosine)
  std::vector<float> mean_norms_;  // |m|^2 per group
};

// Whether k-means with k centroids assigns through CentroidGroups (below it, every centroid is
// compared).
inline bool UsesCentroidGroups(size_t k) { return k >= 256; }

}  // namespace clipscope
