// (Not named limits.h: that would shadow the C header on the include path.)
// Upper bounds on every number that reaches the core from outside (options, model configs,
// file headers). Values above them are refused with kInvalidArgument naming the bound. The
// bounds keep every count below 2^31 and let sizes be computed with CheckedProduct below, so
// nothing wraps in wasm32's 32-bit size_t.
//
// The one exception the core meets is an allocation that failed (std::bad_alloc, or
// std::length_error from a container): code that must undo a half-done change catches it with
// catch (...), because in the shared-memory WASM build (Emscripten 3.1.6, -pthread with native
// WebAssembly exceptions) no typed catch clause matches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "status.h"

namespace clipscope {

inline constexpr size_t kMaxDim = 65536;            // floats per embedding
inline constexpr size_t kMaxClusters = 65536;       // k, kMax
inline constexpr int kMaxIterations = 100000;       // maxIter
inline constexpr int kMaxInits = 1000;              // nInit
inline constexpr size_t kMaxMiniBatch = 1u << 24;   // miniBatch
inline constexpr size_t kMaxSearchK = 1u << 24;     // k of a search (results are min(k, n))
inline constexpr size_t kMaxRerankPool = 1u << 20;  // int8 re-ranking candidates
inline constexpr int kMaxImageSide = 65535;         // width or height of an input image
// The maxPixels option: 4 channels of this many pixels stay below 2^30 bytes, far from wrapping.
inline constexpr uint64_t kMaxImagePixels = 1u << 28;
inline constexpr int kMaxOutputSide = 4096;        // resize and crop sizes of a config
inline constexpr size_t kMaxContextLength = 4096;  // tokens per text row
inline constexpr size_t kMaxMerges = 1u << 20;     // BPE merges of a tokenizer
inline constexpr int32_t kMaxTokenId = std::numeric_limits<int32_t>::max();  // padId

// Whether a * b fits in size_t; *out is the product when it does.
inline bool CheckedProduct(size_t a, size_t b, size_t* out) {
  return !__builtin_mul_overflow(a, b, out);
}

// kInvalidArgument "NAME must be at most MAX, got VALUE" when value > max, else Ok.
inline Status CheckAtMost(const char* name, uint64_t value, uint64_t max) {
  if (value <= max) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument, std::string(name) + " must be at most " +
                                                 std::to_string(max) + ", got " +
                                                 std::to_string(value));
}

}  // namespace clipscope
