#include "embedding_math.h"

#include <cmath>
#include <string>

#include "simd.h"

namespace clipscope {

void NormalizeRows(float* x, size_t n, size_t d, uint8_t* row_ok) {
  for (size_t i = 0; i < n; ++i) {
    float* row = x + i * d;
    const float squared = simd::Dot(row, row, d);
    // A NaN or Inf anywhere makes the squared norm non-finite.
    if (!std::isfinite(squared) || squared == 0.0f) {
      row_ok[i] = 0;
      continue;
    }
    const float inverse = 1.0f / std::sqrt(squared);
    for (size_t k = 0; k < d; ++k) row[k] *= inverse;
    row_ok[i] = 1;
  }
}

Status ZeroShotProbabilities(const float* image, const float* texts, size_t n, size_t d,
                             float logit_scale, float* probabilities) {
  if (n == 0)
    return Status(ErrorCode::kInvalidArgument, "zero-shot classification needs at least one label");
  if (!std::isfinite(logit_scale)) {
    return Status(ErrorCode::kNotFinite, "logit scale is " + std::to_string(logit_scale));
  }
  float largest = -INFINITY;
  for (size_t j = 0; j < n; ++j) {
    probabilities[j] = logit_scale * simd::Dot(image, texts + j * d, d);
    if (probabilities[j] > largest) largest = probabilities[j];
  }
  double sum = 0;
  for (size_t j = 0; j < n; ++j) {
    probabilities[j] = std::exp(probabilities[j] - largest);
    sum += probabilities[j];
  }
  for (size_t j = 0; j < n; ++j) probabilities[j] = static_cast<float>(probabilities[j] / sum);
  return Status::Ok();
}

}  // namespace clipscope
