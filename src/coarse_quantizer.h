// The coarse quantizer of the inverted-file index (ivf_index.h): `lists` unit centroids that
// split the vectors into lists, trained by spherical k-means over the whole set of lists (a
// flat partition: a two-level one split many clusters of a million vectors across lists and
// lost a fifth of the recall at one probe). Assigning a vector compares it exactly with every
// centroid, in int16 (vector as int8, centroid as int16): twice the multiply-adds per
// instruction of float32, and integer sums that are the same on every platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace clipscope {

class CoarseQuantizer {
 public:
  // Rows an assignment encodes at once at most (one parallel share's), and the bytes of the
  // scratch an assignment to `lists` lists holds, for d-float rows.
  static constexpr size_t kAssignChunk = 256;
  static size_t AssignScratchBytes(size_t lists, size_t d);

  // Writes row `row`'s d unit floats to out: where AssignRows finds its rows. It runs in
  // parallel shares, so it must neither allocate nor throw.
  using RowSource = void (*)(const void* context, size_t row, float* out);

  CoarseQuantizer() = default;

  // x: n unit rows of d floats (n >= lists >= 1), a sample of the collection.
  static Result<CoarseQuantizer> Train(const float* x, size_t n, size_t d, size_t lists,
                                       uint64_t seed);
  // Restores saved centroids: lists * d finite floats.
  static Result<CoarseQuantizer> FromCentroids(size_t d, std::vector<float> centroids);

  size_t lists() const { return lists_; }
  size_t dim() const { return d_; }
  const std::vector<float>& centroids() const { return centroids_; }

  // The list of each of n unit rows (the most similar centroid; ties: the lower list), and
  // 1 - cos to it (may be null). Scores are those of the integer codes: within about 1e-2 of
  // the float cosine, so a row equally near two centroids may go to either.
  void Assign(const float* x, size_t n, uint32_t* lists, float* distances) const;
  // The same for n rows that source(context, i, out) restores one at a time (rows kept only as
  // codes): no copy of them all is made.
  void AssignRows(size_t n, RowSource source, const void* context, uint32_t* lists,
                  float* distances) const;
  // The `count` lists whose centroids are most similar to the unit query (float32), best first.
  std::vector<uint32_t> Nearest(const float* query, size_t count) const;
  // The same into out[0..min(count, lists)), with scratch of lists() scores and list numbers:
  // allocates nothing (for parallel shares). Returns how many were written.
  size_t NearestInto(const float* query, size_t count, float* scores, uint32_t* order,
                     uint32_t* out) const;
  size_t MemoryBytes() const;

 private:
  // d rounded up to a multiple of 8: the int16 kernel's step.
  static size_t StrideFor(size_t d) { return (d + 7) / 8 * 8; }
  static size_t AssignRowsPerShare(size_t lists, size_t d);
  // Assign's work: rows from x, or else from source.
  void AssignShares(const float* x, RowSource source, const void* context, size_t n,
                    uint32_t* lists, float* distances) const;
  // codes_ and code_scales_ from centroids_.
  void EncodeCentroids();

  size_t d_ = 0;
  size_t stride_ = 0;  // StrideFor(d_)
  size_t lists_ = 0;
  std::vector<float> centroids_;    // lists * d
  std::vector<int16_t> codes_;      // lists * stride: centroid ~= code * scale
  std::vector<float> code_scales_;  // one per list
};

}  // namespace clipscope
