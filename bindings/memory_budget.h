// WebAssembly memory as the indexes see it: what malloc holds, what the module may still take
// (its 4 GB maximum minus that), an error before a batch that cannot fit, and each index's bytes
// measured rather than estimated.
#pragma once

#include <emscripten/val.h>

#include <cstdint>
#include <string>

#include "marshal.h"

namespace clipscope::bindings {

// Bytes malloc has handed out and not taken back (its own headers included).
size_t HeapBytesInUse();
// Bytes the module can still allocate: its maximum memory minus what malloc holds.
uint64_t FreeHeapBytes();

// An OutOfMemory error value when `growth` more bytes do not fit, else undefined. The message
// says what needs them (`what`), how much is free, and `instead` (a smaller storage) when given.
val CheckRoom(uint64_t growth, const std::string& what, const std::string& instead);
// The same error whatever is free: for an allocation that failed although the check passed.
val OutOfRoom(uint64_t growth, const std::string& what, const std::string& instead);

// "12.3 MB": sizes in messages.
std::string Megabytes(uint64_t bytes);

// An object's heap bytes, measured across every call that changes it: exact where adding up
// container capacities (and guessing hash-table nodes and malloc's rounding) is not.
class HeapMeter {
 public:
  template <typename Fn>
  auto Track(Fn&& fn) {
    const int64_t before = int64_t(HeapBytesInUse());
    auto result = fn();
    bytes_ += int64_t(HeapBytesInUse()) - before;
    return result;
  }
  void Add(int64_t bytes) { bytes_ += bytes; }
  double bytes() const { return double(bytes_ > 0 ? bytes_ : 0); }
  int64_t held() const { return bytes_; }

 private:
  int64_t bytes_ = 0;
};

}  // namespace clipscope::bindings
