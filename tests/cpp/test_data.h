// Deterministic test data: random and clustered vectors from a seed (the core's splitmix64
// generator), so native and WASM tests and benchmarks see the same numbers.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "random.h"

namespace clipscope::testing {

// The core's generator, plus the draws tests need.
class Rng : public Random {
 public:
  using Random::Random;
  // Standard normal (Box-Muller).
  double Normal() {
    double u = Uniform(), v = Uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(6.283185307179586 * v);
  }
  // Integer in [lo, hi].
  int Int(int lo, int hi) { return lo + int(Next() % uint64_t(hi - lo + 1)); }
};

// n*d normal floats.
inline std::vector<float> RandomVectors(size_t n, size_t d, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> out(n * d);
  for (float& x : out) x = float(rng.Normal());
  return out;
}

// n*d floats around `clusters` random unit centres, each point centre + spread * noise:
// the shape of real embedding collections, where neighbours have close scores.
inline std::vector<float> ClusteredVectors(size_t n, size_t d, size_t clusters, double spread,
                                           uint64_t seed) {
  Rng rng(seed);
  std::vector<double> centres(clusters * d);
  for (size_t c = 0; c < clusters; ++c) {
    double norm = 0;
    for (size_t j = 0; j < d; ++j) norm += std::pow(centres[c * d + j] = rng.Normal(), 2);
    for (size_t j = 0; j < d; ++j) centres[c * d + j] /= std::sqrt(norm);
  }
  std::vector<float> out(n * d);
  const double noise = spread / std::sqrt(double(d));
  for (size_t i = 0; i < n; ++i) {
    size_t c = rng.Next() % clusters;
    for (size_t j = 0; j < d; ++j)
      out[i * d + j] = float(centres[c * d + j] + noise * rng.Normal());
  }
  return out;
}

// The rows of x (n * d) scaled to unit length.
inline std::vector<float> UnitRows(std::vector<float> x, size_t d) {
  for (size_t i = 0; i < x.size() / d; ++i) {
    double norm = 0;
    for (size_t j = 0; j < d; ++j) norm += double(x[i * d + j]) * x[i * d + j];
    for (size_t j = 0; j < d; ++j) x[i * d + j] = float(x[i * d + j] / std::sqrt(norm));
  }
  return x;
}

}  // namespace clipscope::testing
