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
// Loading checks the checksum first, then every length against the bytes left, so truncated
// or altered input is rejected before anything is allocated from its numbers.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "byte_io.h"
#include "crc32.h"
#include "embedding_index.h"

namespace clipscope {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'S', 'I', 'D', 'X'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 28;
Status Corrupt(const std::string& why) { return Reader::CorruptData(why); }

}  // namespace

std::vector<uint8_t> EmbeddingIndex::Serialize() const {
  // Insertion order, so ties resolve the same way after loading.
  std::vector<uint32_t> order(size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return seqs_[a] < seqs_[b]; });

  Writer w;
  w.Bytes(kMagic, sizeof kMagic);
  w.Value<uint32_t>(kVersion);
  w.Value<uint32_t>(static_cast<uint32_t>(dim_));
  w.Value<uint8_t>(static_cast<uint8_t>(options_.storage));
  w.Bytes("\0\0\0", 3);
  w.Value<uint64_t>(size());
  for (uint32_t slot : order) {
    w.Id(ids_[slot]);
  }
  for (uint32_t slot : order) {
    if (has_floats()) {
      w.Bytes(&vectors_[size_t(slot) * dim_], dim_ * sizeof(float));
    } else {
      w.Value<float>(scales_[slot]);
      w.Bytes(&codes_[size_t(slot) * dim_], dim_);
    }
  }
  w.Value<uint32_t>(Crc32(w.out().data(), w.out().size()));
  return std::move(w.out());
}

Result<EmbeddingIndex> EmbeddingIndex::Deserialize(const uint8_t* bytes, size_t size) {
  // 1. Frame: magic, version, then the checksum over everything.
  if (size < kHeaderSize + 4) {
    return Corrupt("only " + std::to_string(size) + " bytes, the header alone needs " +
                   std::to_string(kHeaderSize + 4));
  }
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0) {
    return Corrupt("it does not start with the clipscope index magic \"CLIPSIDX\"");
  }
  Reader r(bytes + sizeof kMagic, size - sizeof kMagic - 4);
  uint32_t version = 0, dim = 0, stored_crc = 0;
  r.Value(&version);
  if (version != kVersion) {
    return Status(ErrorCode::kUnsupportedVersion,
                  "index format version " + std::to_string(version) +
                      " is not supported; this build reads version " + std::to_string(kVersion));
  }
  std::memcpy(&stored_crc, bytes + size - 4, 4);
  // Fuzz builds skip the checksum so mutations reach the parser behind it.
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (Crc32(bytes, size - 4) != stored_crc) {
#else
  if (false) {
#endif
    return Corrupt("checksum mismatch (the data was truncated or altered)");
  }
  // 2. Header fields.
  uint8_t storage = 0, reserved[3];
  uint64_t count = 0;
  r.Value(&dim), r.Value(&storage), r.Bytes(reserved, 3), r.Value(&count);
  if (reserved[0] || reserved[1] || reserved[2])
    return Corrupt("reserved header bytes are not zero");
  if (storage > static_cast<uint8_t>(Storage::kInt8Exact)) {
    return Corrupt("unknown storage type " + std::to_string(storage));
  }
  Result<EmbeddingIndex> created = Create(dim, IndexOptions{static_cast<Storage>(storage), 0});
  if (!created.ok()) return Corrupt(created.status().message());
  EmbeddingIndex index = std::move(created.value());
  const size_t row_bytes = index.has_floats() ? size_t(dim) * 4 : size_t(dim) + 4;
  // Each item needs at least its id kind byte and its row: bound count before allocating.
  if (count > r.left() / (row_bytes + 1)) {
    return Corrupt("count " + std::to_string(count) + " does not fit in " + std::to_string(size) +
                   " bytes");
  }
  // 3. Ids.
  std::vector<ItemId> ids;
  ids.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    ItemId id;
    if (Status read = r.Id(i, &id); !read.ok()) return read;
    ids.push_back(std::move(id));
  }
  Status unique = index.CheckNewIds(ids);
  if (!unique.ok()) return Corrupt(unique.message());
  // 4. Vectors: exactly the bytes left, every value valid. Stored as saved (no
  //    re-normalisation), so a round trip is bit-exact.
  if (r.left() != count * row_bytes) {
    return Corrupt("expected " + std::to_string(count * row_bytes) + " bytes of vectors, found " +
                   std::to_string(r.left()));
  }
  index.Reserve(count);
  std::vector<float> row(dim);
  std::vector<int8_t> codes(dim);
  for (uint64_t i = 0; i < count; ++i) {
    if (index.has_floats()) {
      r.Bytes(row.data(), row_bytes);
      double norm_sq = 0;
      for (float x : row) norm_sq += double(x) * x;  // NaN or Inf make this fail too
      // Saved vectors are unit length; anything else would make scores stop being cosines.
      if (!(std::fabs(norm_sq - 1.0) < 1e-3)) {
        return Corrupt("vector " + std::to_string(i) + " is not unit length");
      }
      index.Store(ids[i], row.data());
    } else {
      float scale = 0;
      r.Value(&scale);
      r.Bytes(codes.data(), dim);
      if (!std::isfinite(scale) || scale <= 0) {
        return Corrupt("vector " + std::to_string(i) + " has an invalid scale");
      }
      index.StoreId(ids[i]);
      index.codes_.insert(index.codes_.end(), codes.begin(), codes.end());
      index.scales_.push_back(scale);
    }
  }
  return index;
}

}  // namespace clipscope
