// The saved index, version 1. All integers and floats little-endian.
//
//   offset  size  field
//   0       8     magic "CLIPSIDX"
//   8       4     u32 format version (1)
//   12      4     u32 dim
//   16      1     u8 storage (0 float32, 1 int8, 2 int8_exact)
//   17      3     zero
//   20      8     u64 count
//   28      ...   count ids, in insertion order: u8 kind (0 number, 1 string), then
//                 an f64 (number) or a u32 byte length and UTF-8 bytes (string)
//   ...     ...   count vectors in the same order: float32 and int8_exact -> dim f32
//                 (unit length; int8_exact re-derives its codes from them);
//                 int8 -> f32 scale then dim i8
//   end-4   4     u32 CRC-32 of every byte before it
//
// Loading a whole buffer checks the checksum first, then every length against the bytes left,
// so truncated or altered input is rejected before anything is allocated from its numbers.
// Loading from pieces (EmbeddingIndex::Loader, index_loaders.h) checks the same numbers as the
// records arrive and the checksum at the end; saving in pieces (BeginSave) writes the same bytes.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "byte_io.h"
#include "crc32.h"
#include "embedding_index.h"
#include "index_loaders.h"

namespace clipscope {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'S', 'I', 'D', 'X'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 28;
Status Corrupt(const std::string& why) { return Reader::CorruptData(why); }
std::string Str(uint64_t n) { return std::to_string(n); }

// The magic and the version at p (at least 12 bytes): what both loaders check first.
Status CheckMagicAndVersion(const uint8_t* p) {
  return clipscope::CheckMagicAndVersion(p, kMagic, kVersion, kVersion, "index");
}

}  // namespace

SaveCursor EmbeddingIndex::BeginSave() const {
  // Insertion order, so ties resolve the same way after loading.
  std::vector<uint32_t> order = SlotsInInsertionOrder();
  Writer w;
  w.Bytes(kMagic, sizeof kMagic);
  w.Value<uint32_t>(kVersion);
  w.Value<uint32_t>(static_cast<uint32_t>(dim_));
  w.Value<uint8_t>(static_cast<uint8_t>(options_.storage));
  w.Bytes("\0\0\0", 3);
  w.Value<uint64_t>(size());
  const size_t n = size();
  // Records 0..n-1 are the ids, n..2n-1 the vectors.
  auto write = [this, n, order = std::move(order)](size_t record, Writer& out) {
    const uint32_t slot = order[record < n ? record : record - n];
    if (record < n) {
      out.Id(ids_[slot]);
    } else if (has_floats()) {
      out.Bytes(&vectors_[size_t(slot) * dim_], dim_ * sizeof(float));
    } else {
      out.Value<float>(scales_[slot]);
      out.Bytes(&codes_[size_t(slot) * dim_], dim_);
    }
  };
  return SaveCursor(std::move(w.out()), 2 * n, std::move(write),
                    [this, changes = changes_] { return changes_ == changes; });
}

std::vector<uint8_t> EmbeddingIndex::Serialize() const { return JoinPieces(BeginSave()); }

Result<EmbeddingIndex> EmbeddingIndex::Deserialize(const uint8_t* bytes, size_t size) {
  // The frame first (magic, version, checksum), so that damage is named as such.
  if (size < kHeaderSize + 4) {
    return Corrupt("only " + Str(size) + " bytes, the header alone needs " + Str(kHeaderSize + 4));
  }
  if (Status frame = CheckMagicAndVersion(bytes); !frame.ok()) return frame;
  uint32_t stored_crc = 0;
  std::memcpy(&stored_crc, bytes + size - 4, 4);
  // Fuzz builds skip the checksum so mutations reach the parser behind it.
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (Crc32(bytes, size - 4) != stored_crc) return ChecksumMismatch();
#endif
  Loader loader(size);
  if (Status fed = loader.Feed(bytes, size); !fed.ok()) return fed;
  return loader.Finish();
}

Status EmbeddingIndex::Loader::Feed(const uint8_t* bytes, size_t size) {
  if (!failed_.ok()) return failed_;
  failed_ = in_.Feed(bytes, size, [this](const uint8_t* p, size_t n) { return Step(p, n); });
  return failed_;
}

Result<size_t> EmbeddingIndex::Loader::Step(const uint8_t* p, size_t n) {
  switch (stage_) {
    case Stage::kHeader:
      return ReadHeader(p, n);
    case Stage::kIds:
      return ReadId(p, n);
    case Stage::kVectors:
      return n < row_bytes_ ? Result<size_t>(size_t(0)) : ReadVector(p);
    case Stage::kChecksum: {
      Result<size_t> read = ReadChecksum(p, n, in_.crc());
      if (read.ok() && read.value() > 0) stage_ = Stage::kDone;
      return read;
    }
    case Stage::kDone:
      if (n == 0) return size_t(0);
      return Corrupt(Str(n) + " bytes follow the checksum");
  }
  return size_t(0);
}

Result<size_t> EmbeddingIndex::Loader::ReadHeader(const uint8_t* p, size_t n) {
  if (n < kHeaderSize) return size_t(0);
  if (Status frame = CheckMagicAndVersion(p); !frame.ok()) return frame;
  Reader r(p + sizeof kMagic + 4, kHeaderSize - sizeof kMagic - 4);  // after the version
  uint32_t dim = 0;
  uint8_t storage = 0, reserved[3];
  r.Value(&dim), r.Value(&storage), r.Bytes(reserved, 3), r.Value(&count_);
  if (reserved[0] || reserved[1] || reserved[2])
    return Corrupt("reserved header bytes are not zero");
  if (storage > static_cast<uint8_t>(Storage::kInt8Exact))
    return Corrupt("unknown storage type " + Str(storage));
  Result<EmbeddingIndex> created = Create(dim, IndexOptions{static_cast<Storage>(storage), 0});
  if (!created.ok()) return Corrupt(created.status().message());
  index_.emplace(std::move(created.value()));
  row_bytes_ = index_->has_floats() ? size_t(dim) * 4 : size_t(dim) + 4;
  // Each item needs at least its id kind byte and its row: bound count by the size when known.
  if (total_ > 0 &&
      count_ > (total_ - std::min<uint64_t>(total_, kHeaderSize + 4)) / (row_bytes_ + 1))
    return Corrupt("count " + Str(count_) + " does not fit in " + Str(total_) + " bytes");
  if (count_ > UINT32_MAX) return Corrupt("count " + Str(count_) + " is more than an index holds");
  stage_ = count_ == 0 ? Stage::kChecksum : Stage::kIds;
  return kHeaderSize;
}

Result<size_t> EmbeddingIndex::Loader::ReadId(const uint8_t* p, size_t n) {
  Result<size_t> record = IdRecordBytes(p, n, done_);
  if (!record.ok() || record.value() == 0) return record;
  const size_t bytes = record.value();
  Reader r(p, bytes);
  ItemId id;
  if (Status read = r.Id(done_, &id); !read.ok()) return read;
  ids_.push_back(std::move(id));
  if (++done_ < count_) return bytes;
  // 3. Every id read: unique, and exactly the vectors' bytes left when the size is known.
  if (Status unique = index_->CheckNewIds(ids_); !unique.ok()) return Corrupt(unique.message());
  if (total_ > 0) {
    const uint64_t used = in_.consumed() + bytes + 4;
    const uint64_t left = total_ >= used ? total_ - used : 0;
    if (left != count_ * row_bytes_)
      return Corrupt("expected " + Str(count_ * row_bytes_) + " bytes of vectors, found " +
                     Str(left));
    index_->Reserve(count_);
  }
  stage_ = Stage::kVectors;
  done_ = 0;
  return bytes;
}

// 4. Vectors, every value valid. Stored as saved (no re-normalisation), so a round trip is
//    bit-exact.
Result<size_t> EmbeddingIndex::Loader::ReadVector(const uint8_t* p) {
  EmbeddingIndex& index = *index_;
  const size_t dim = index.dim_;
  const uint64_t i = done_;
  if (index.has_floats()) {
    row_.resize(dim);
    std::memcpy(row_.data(), p, dim * 4);
    double norm_sq = 0;
    for (float x : row_) norm_sq += double(x) * x;  // NaN or Inf make this fail too
    // Saved vectors are unit length; anything else would make scores stop being cosines.
    if (!(std::fabs(norm_sq - 1.0) < 1e-3))
      return Corrupt("vector " + Str(i) + " is not unit length");
    index.Store(ids_[i], row_.data());
  } else {
    float scale = 0;
    std::memcpy(&scale, p, 4);
    if (!std::isfinite(scale) || scale <= 0)
      return Corrupt("vector " + Str(i) + " has an invalid scale");
    index.StoreId(ids_[i]);
    index.codes_.insert(index.codes_.end(), p + 4, p + 4 + dim);
    index.scales_.push_back(scale);
  }
  if (++done_ == count_) {
    std::vector<ItemId>().swap(ids_);
    stage_ = Stage::kChecksum;
  }
  return row_bytes_;
}

Result<EmbeddingIndex> EmbeddingIndex::Loader::Finish() {
  if (!failed_.ok()) return failed_;
  if (stage_ == Stage::kDone && !index_)
    return Corrupt("this loader has already returned its index");
  switch (stage_) {
    case Stage::kHeader:
      return Corrupt("it ends inside its header, after " + Str(in_.pending()) + " bytes");
    case Stage::kIds:
      return Corrupt("it ends after " + Str(done_) + " of " + Str(count_) + " ids");
    case Stage::kVectors:
      return Corrupt("it ends after " + Str(done_) + " of " + Str(count_) + " vectors");
    case Stage::kChecksum:
      return Corrupt("it ends before its checksum");
    case Stage::kDone:
      break;
  }
  // Scratch freed here, so that what the loader still holds is the index alone.
  in_.Release();
  std::vector<float>().swap(row_);
  EmbeddingIndex index = std::move(*index_);
  index_.reset();
  return index;
}

}  // namespace clipscope
