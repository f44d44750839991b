// The coarse quantizer of the inverted-file index (ivf_index.h): `lists` unit centroids that
// split the vectors into lists, trained as a two-level spherical k-means (about sqrt(lists)
// groups, then each group's share of the lists within it). Assigning a vector compares it with
// the group centroids and then only with the lists of its nearest groups: about 4·sqrt(lists)
// dot products instead of `lists`, which is what makes building a million-vector index take
// seconds instead of minutes. Queries compare with every list centroid (one query is cheap).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace clipscope {

class CoarseQuantizer {
 public:
  CoarseQuantizer() = default;

  // x: n unit rows of d floats (n >= lists >= 1), a sample of the collection.
  static Result<CoarseQuantizer> Train(const float* x, size_t n, size_t d, size_t lists,
                                       uint64_t seed);
  // Restores saved centroids: lists * d, groups * d, and the group of each list.
  static Result<CoarseQuantizer> FromParts(size_t d, std::vector<float> centroids,
                                           std::vector<float> group_centroids,
                                           std::vector<uint32_t> group_of_list);

  size_t lists() const { return group_of_list_.size(); }
  size_t groups() const { return members_.size(); }
  size_t dim() const { return d_; }
  const std::vector<float>& centroids() const { return centroids_; }
  const std::vector<float>& group_centroids() const { return group_centroids_; }
  const std::vector<uint32_t>& group_of_list() const { return group_of_list_; }

  // The list of each of n unit rows, and 1 - cos to its centroid (may be null).
  void Assign(const float* x, size_t n, uint32_t* lists, float* distances) const;
  // The `count` lists whose centroids are most similar to the unit query, best first.
  std::vector<uint32_t> Nearest(const float* query, size_t count) const;
  size_t MemoryBytes() const;

 private:
  void IndexMembers();

  size_t d_ = 0;
  std::vector<float> centroids_;        // lists * d
  std::vector<float> group_centroids_;  // groups * d
  std::vector<uint32_t> group_of_list_;
  std::vector<std::vector<uint32_t>> members_;  // group -> its lists
};

}  // namespace clipscope
