// Saving an index piece by piece (to a file, a stream or database records) instead of as one
// buffer the size of the collection: a header, then numbered records, then the CRC-32 of every
// byte before it. The pieces joined are exactly the bytes of the index's Serialize().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "byte_io.h"
#include "status.h"

namespace clipscope {

class SaveCursor {
 public:
  // Appends record number `record` (0 .. records-1) to the writer.
  using WriteRecord = std::function<void(size_t record, Writer& w)>;
  // Whether the index is as it was when the cursor was made.
  using Unchanged = std::function<bool()>;

  SaveCursor(std::vector<uint8_t> header, size_t records, WriteRecord write, Unchanged unchanged)
      : header_(std::move(header)),
        records_(records),
        write_(std::move(write)),
        unchanged_(std::move(unchanged)) {}

  // The next piece: the header and whole records until it holds at least max_bytes (so a piece
  // exceeds max_bytes by less than one record); the last one ends with the checksum. Empty once
  // everything is out. Fails if the index changed since the cursor was made.
  Result<std::vector<uint8_t>> Next(size_t max_bytes);
  bool done() const { return finished_; }

 private:
  std::vector<uint8_t> header_;
  size_t records_;
  WriteRecord write_;
  Unchanged unchanged_;
  bool header_out_ = false;
  size_t next_record_ = 0;
  bool finished_ = false;
  uint32_t crc_ = 0;
};

// Every piece of a cursor joined: one buffer (for Serialize()).
std::vector<uint8_t> JoinPieces(SaveCursor cursor);

}  // namespace clipscope
