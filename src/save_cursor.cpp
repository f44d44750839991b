#include "save_cursor.h"

#include "crc32.h"

namespace clipscope {

Result<std::vector<uint8_t>> SaveCursor::Next(size_t max_bytes) {
  if (finished_) return std::vector<uint8_t>();
  if (!unchanged_())
    return Status(ErrorCode::kInvalidArgument,
                  "the index changed while it was being saved; save it again");
  Writer w;
  if (!header_out_) {
    w.Bytes(header_.data(), header_.size());
    std::vector<uint8_t>().swap(header_);
    header_out_ = true;
  }
  while (next_record_ < records_ && w.out().size() < max_bytes) write_(next_record_++, w);
  crc_ = Crc32Extend(crc_, w.out().data(), w.out().size());
  if (next_record_ == records_) {
    w.Value<uint32_t>(crc_);
    finished_ = true;
  }
  return std::move(w.out());
}

std::vector<uint8_t> JoinPieces(SaveCursor cursor) {
  std::vector<uint8_t> all;
  // One piece: nothing can change the index in between.
  all = std::move(cursor.Next(SIZE_MAX).value());
  return all;
}

}  // namespace clipscope
