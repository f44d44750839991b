// Writing and reading the saved formats (index_format.cpp, ivf_format.cpp): values copied as
// they are (the core targets little-endian machines: x86, ARM, WASM), every read checked
// against the bytes left, ids as a kind byte then an f64 or a u32 length and UTF-8 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "item_id.h"
#include "status.h"

namespace clipscope {

inline constexpr uint8_t kNumberIdKind = 0, kStringIdKind = 1;

class Writer {
 public:
  void Bytes(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  template <typename T>
  void Value(T v) {
    Bytes(&v, sizeof v);
  }
  void Id(const ItemId& id) {
    if (const double* number = std::get_if<double>(&id)) {
      Value<uint8_t>(kNumberIdKind);
      Value<double>(*number);
    } else {
      const std::string& text = std::get<std::string>(id);
      Value<uint8_t>(kStringIdKind);
      Value<uint32_t>(static_cast<uint32_t>(text.size()));
      Bytes(text.data(), text.size());
    }
  }
  std::vector<uint8_t>& out() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), left_(n) {}
  bool Bytes(void* dst, size_t n) {
    if (n > left_) return false;
    std::memcpy(dst, p_, n);
    p_ += n, left_ -= n;
    return true;
  }
  template <typename T>
  bool Value(T* v) {
    return Bytes(v, sizeof *v);
  }
  const uint8_t* Take(size_t n) {
    if (n > left_) return nullptr;
    const uint8_t* at = p_;
    p_ += n, left_ -= n;
    return at;
  }
  // Id number `i` (for the message); a kCorruptData status when it is cut short or unknown.
  Status Id(uint64_t i, ItemId* id) {
    uint8_t kind = 0;
    if (!Value(&kind)) return CorruptData("ids end early");
    if (kind == kNumberIdKind) {
      double number = 0;
      if (!Value(&number)) return CorruptData("ids end early");
      *id = number;
    } else if (kind == kStringIdKind) {
      uint32_t length = 0;
      if (!Value(&length)) return CorruptData("ids end early");
      const uint8_t* text = Take(length);
      if (!text) return CorruptData("id " + std::to_string(i) + " is longer than the data");
      *id = std::string(reinterpret_cast<const char*>(text), length);
    } else {
      return CorruptData("id " + std::to_string(i) + " has unknown kind " + std::to_string(kind));
    }
    return Status::Ok();
  }
  size_t left() const { return left_; }

  static Status CorruptData(const std::string& why) {
    return Status(ErrorCode::kCorruptData, "index data is corrupt: " + why);
  }

 private:
  const uint8_t* p_;
  size_t left_;
};

// The 8-byte magic and the u32 version at p, one of oldest..newest (at least 12 bytes): what every
// loader of a saved format checks first. `format` names it in messages ("index", "approximate
// index").
inline Status CheckMagicAndVersion(const uint8_t* p, const char (&magic)[8], uint32_t oldest,
                                   uint32_t newest, const std::string& format) {
  if (std::memcmp(p, magic, sizeof magic) != 0)
    return Reader::CorruptData("it does not start with the clipscope " + format + " magic \"" +
                               std::string(magic, sizeof magic) + "\"");
  uint32_t found = 0;
  std::memcpy(&found, p + sizeof magic, 4);
  if (found < oldest || found > newest)
    return Status(
        ErrorCode::kUnsupportedVersion,
        format + " format version " + std::to_string(found) +
            " is not supported; this build reads version " +
            (oldest == newest ? std::to_string(newest)
                              : std::to_string(oldest) + " to " + std::to_string(newest)));
  return Status::Ok();
}

}  // namespace clipscope
