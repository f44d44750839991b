// UMAP (McInnes, Healy & Melville 2018): a 2-D layout that keeps each point's neighbours near
// it, as umap-learn computes it with its defaults (15 neighbours, min_dist 0.1, spread 1,
// negative sampling rate 5, learning rate 1): a fuzzy graph of the nearest neighbours, then
// stochastic gradient descent on its edges. The start is the first two principal components
// (umap-learn starts from the graph's spectrum).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "status.h"

namespace clipscope {

struct UmapOptions {
  size_t neighbours = 15;  // including the point itself, as umap-learn counts; 2 .. 200
  int epochs = 0;          // 0: automatic (500 up to 4,096 points, else 200); 10 .. 5000
  uint64_t seed = 0;
};

// x: n * d finite floats, n >= 3. Returns n * 2 coordinates centred on 0. Deterministic for a
// seed on a platform, the same on any number of threads (the neighbour search and the epochs
// run on the core's threads).
Result<std::vector<float>> UmapLayout(const float* x, size_t n, size_t d,
                                      const UmapOptions& options);

}  // namespace clipscope
