// A small seeded generator (splitmix64): the same sequence on every platform, so clustering
// with a given seed gives the same result natively and in WASM.
#pragma once

#include <cstdint>

namespace clipscope {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double Uniform() { return double(Next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0 (rejection sampling: no modulo bias).
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = Next();
    while (r >= limit);
    return r % n;
  }

 private:
  uint64_t state_;
};

}  // namespace clipscope
