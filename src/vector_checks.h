// Checks and normalisation shared by the indexes: what a vector or an id from outside must be.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>

#include "item_id.h"
#include "status.h"
#include "utf8.h"

namespace clipscope {

// Sum of squares in double: the norm of a float vector without overflow or cancellation.
inline double SquaredNorm(const float* x, size_t d) {
  double sum = 0;
  for (size_t i = 0; i < d; ++i) sum += double(x[i]) * double(x[i]);
  return sum;
}

// True when x is finite and not all zeros.
bool IsUsableVector(const float* x, size_t d);
// The error for a vector that IsUsableVector refused; what names it.
Status UnusableVector(const float* x, size_t d, const std::string& what);

// Vectors to store or search with, n of d values each: finite and not all zeros. The first
// that fails is the error, named by name(i), made only then (a batch of a million vectors is a
// million checks).
template <class Name>
inline Status CheckVectors(const float* x, size_t n, size_t d, const Name& name) {
  for (size_t i = 0; i < n; ++i) {
    if (!IsUsableVector(x + i * d, d)) return UnusableVector(x + i * d, d, name(i));
  }
  return Status::Ok();
}

inline void Normalize(const float* x, size_t d, float* out) {
  const double inverse = 1.0 / std::sqrt(SquaredNorm(x, d));
  for (size_t i = 0; i < d; ++i) out[i] = static_cast<float>(x[i] * inverse);
}

// An id to store: a finite number or valid UTF-8 text. `position` names it in the error.
inline Status CheckIdValue(const ItemId& id, size_t position) {
  if (const double* number = std::get_if<double>(&id); number && !std::isfinite(*number))
    return Status(ErrorCode::kInvalidArgument,
                  "id " + std::to_string(position) + " is not a finite number");
  if (const std::string* text = std::get_if<std::string>(&id); text && !IsValidUtf8(*text))
    return Status(ErrorCode::kInvalidArgument,
                  "id " + std::to_string(position) + " is not valid UTF-8 text");
  return Status::Ok();
}

}  // namespace clipscope
