// Bytes that arrive in pieces (a file or stream read chunk by chunk), parsed record by record
// by a loader (index_loaders.h): whole records are parsed where they lie; a record cut by the end
// of a piece is kept, copied, until the next piece completes it. The CRC-32 of every parsed byte
// is kept for the checksum at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "byte_io.h"
#include "crc32.h"
#include "status.h"

namespace clipscope {

// The largest record a loader waits for (a string id's declared length is checked against it):
// what a loader buffers stays below this plus one piece.
inline constexpr size_t kMaxRecordBytes = size_t(64) << 20;

class PieceParser {
 public:
  // step(p, n) parses the record at p (n bytes available) and returns its length, 0 if the
  // record is not complete yet, or an error.
  template <typename Step>
  Status Feed(const uint8_t* p, size_t n, Step&& step) {
    if (pending_.empty()) {
      size_t used = 0;
      Status s = Run(p, n, step, &used);
      pending_.assign(p + used, p + n);
      return s;
    }
    pending_.insert(pending_.end(), p, p + n);
    size_t used = 0;
    Status s = Run(pending_.data(), pending_.size(), step, &used);
    pending_.erase(pending_.begin(), pending_.begin() + used);
    return s;
  }
  uint64_t consumed() const { return consumed_; }
  uint32_t crc() const { return crc_; }
  size_t pending() const { return pending_.size(); }
  void Release() { std::vector<uint8_t>().swap(pending_); }

 private:
  template <typename Step>
  Status Run(const uint8_t* p, size_t n, Step& step, size_t* used) {
    while (true) {
      Result<size_t> took = step(p + *used, n - *used);
      if (!took.ok()) return took.status();
      if (took.value() == 0) return Status::Ok();
      crc_ = Crc32Extend(crc_, p + *used, took.value());
      consumed_ += took.value();
      *used += took.value();
    }
  }

  std::vector<uint8_t> pending_;
  uint64_t consumed_ = 0;
  uint32_t crc_ = 0;
};

// The length of id record `i` at p (kind byte, then an f64 or a u32 length and its bytes), or 0
// when fewer than that are available. An unknown kind counts one byte: its reader reports it.
// A string declared longer than kMaxRecordBytes is refused rather than waited for.
inline Result<size_t> IdRecordBytes(const uint8_t* p, size_t n, uint64_t i) {
  if (n < 1) return size_t(0);
  if (p[0] == kNumberIdKind) return n >= 9 ? size_t(9) : size_t(0);
  if (p[0] != kStringIdKind) return size_t(1);
  if (n < 5) return size_t(0);
  uint32_t length = 0;
  std::memcpy(&length, p + 1, 4);
  if (length > kMaxRecordBytes)
    return Reader::CorruptData("id " + std::to_string(i) + " is " + std::to_string(length) +
                               " bytes long");
  return n - 5 >= length ? 5 + size_t(length) : size_t(0);
}

inline Status ChecksumMismatch() {
  return Reader::CorruptData("checksum mismatch (the data was truncated or altered)");
}

// The final record: the u32 CRC-32 of every byte parsed before it (`crc`). 4, 0 when not yet
// available, or the mismatch. Fuzz builds skip the comparison so mutations reach the parser.
inline Result<size_t> ReadChecksum(const uint8_t* p, size_t n, uint32_t crc) {
  if (n < 4) return size_t(0);
  uint32_t stored = 0;
  std::memcpy(&stored, p, 4);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (stored != crc) return ChecksumMismatch();
#else
  (void)crc;
#endif
  return size_t(4);
}

}  // namespace clipscope
