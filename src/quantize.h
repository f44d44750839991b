// Symmetric int8 scalar quantisation with one scale per vector.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace clipscope {

// Writes d codes in [-127, 127] to codes and returns the scale: x[i] ~= codes[i] * scale.
// x: d finite floats. A zero vector gets scale 0 and zero codes. Code: int8_t, or a wider
// integer for codes that a kernel reads widened.
template <class Code>
inline float QuantizeInt8(const float* x, size_t d, Code* codes) {
  float max_abs = 0;
  for (size_t i = 0; i < d; ++i) max_abs = std::fmax(max_abs, std::fabs(x[i]));
  if (max_abs == 0) {
    for (size_t i = 0; i < d; ++i) codes[i] = 0;
    return 0;
  }
  const float inverse = 127.0f / max_abs;
  for (size_t i = 0; i < d; ++i) {
    float q = std::nearbyint(x[i] * inverse);
    codes[i] = static_cast<Code>(std::fmin(127.0f, std::fmax(-127.0f, q)));
  }
  return max_abs / 127.0f;
}

// out: d floats, codes[i] * scale.
inline void DequantizeInt8(const int8_t* codes, float scale, size_t d, float* out) {
  for (size_t i = 0; i < d; ++i) out[i] = float(codes[i]) * scale;
}

}  // namespace clipscope
