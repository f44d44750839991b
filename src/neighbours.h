// The k nearest neighbours of every row (euclidean), for a neighbourhood-preserving layout.
// Wide rows are compared in a seeded random projection to kProjectedDims dimensions first
// (Johnson-Lindenstrauss: distances kept to a few percent). Small collections are then searched
// exhaustively; larger ones through an inverted file (k-means lists of the projected rows,
// each row searching the lists of its nearest centroids). The best candidates are finally
// ranked by their exact distances.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipscope {

inline constexpr size_t kProjectedDims = 64;
// Collections up to this size are searched exhaustively (exact in the projected space).
inline constexpr size_t kExhaustiveNeighbours = 4096;
// Lists each row searches in the inverted file.
inline constexpr size_t kProbedLists = 6;

struct Neighbours {
  size_t k = 0;
  std::vector<uint32_t> index;  // n * k: row i's neighbours, nearest first (never i itself)
  std::vector<float> distance;  // n * k euclidean distances, non-decreasing per row
};

// The rows seen along kProjectedDims seeded Gaussian directions (n * kProjectedDims floats).
std::vector<float> RandomProjection(const float* x, size_t n, size_t d, uint64_t seed);

// x: n * d finite floats, 1 <= k < n; projected: RandomProjection(x, ...) when d is above
// kProjectedDims (else ignored). Deterministic for a seed.
Neighbours NearestNeighbours(const float* x, size_t n, size_t d, size_t k, const float* projected,
                             uint64_t seed);

}  // namespace clipscope
