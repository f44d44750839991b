#include "vector_checks.h"

#include <cstdint>
#include <cstring>

namespace clipscope {

bool IsUsableVector(const float* x, size_t d) {
  // One pass over the bits with no branch per value, which the compiler makes SIMD: an
  // exponent of all ones is an Inf or a NaN, and only +0 and -0 have no bit set but the sign.
  uint32_t non_finite = 0, nonzero = 0;
  for (size_t i = 0; i < d; ++i) {
    uint32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    non_finite |= uint32_t((bits & 0x7f800000u) == 0x7f800000u);
    nonzero |= bits & 0x7fffffffu;
  }
  return !non_finite && nonzero != 0;
}

Status UnusableVector(const float* x, size_t d, const std::string& what) {
  for (size_t i = 0; i < d; ++i) {
    if (!std::isfinite(x[i]))
      return Status(ErrorCode::kNotFinite,
                    what + " has " + std::to_string(x[i]) + " at dimension " + std::to_string(i));
  }
  return Status(ErrorCode::kZeroVector, what + " is all zeros and cannot be normalised");
}

}  // namespace clipscope
