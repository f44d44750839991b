// The first two principal components of row-major data: a 2-D map of a collection.
#pragma once

#include <cstddef>
#include <vector>

#include "status.h"

namespace clipscope {

struct Pca2d {
  std::vector<float> coords;       // n * 2: each point's (x, y) on the map
  std::vector<double> components;  // 2 * d unit axes; each axis's largest |loading| is positive
  std::vector<double> mean;        // d
  double explained_variance[2] = {0, 0};        // variance along each axis (divisor n - 1)
  double explained_variance_ratio[2] = {0, 0};  // share of the total variance
};

// x: n * d floats, n >= 2. Deterministic: same input, same output, natively and in WASM.
Result<Pca2d> PrincipalComponents2d(const float* x, size_t n, size_t d);

}  // namespace clipscope
