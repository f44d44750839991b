// Reads typed values off the front of a fuzzer's input; past the end every value is 0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  template <typename T>
  T Take() {
    T value{};
    const size_t n = std::min(sizeof(T), size_ - at_);
    std::memcpy(&value, data_ + at_, n);
    at_ += n;
    return value;
  }
  // What is left, as bytes.
  std::string_view Rest() const {
    return std::string_view(reinterpret_cast<const char*>(data_ + at_), size_ - at_);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};
