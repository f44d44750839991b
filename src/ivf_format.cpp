// The saved approximate index, version 2. All integers and floats little-endian.
//
//   offset  size  field
//   0       8     magic "CLIPSIVF"
//   8       4     u32 format version (2; version 1 is read too)
//   12      4     u32 dim
//   16      1     u8 flags: bit 0 float32 copies kept
//   17      3     zero
//   20      4     u32 lists option (0 automatic)
//   24      4     u32 nprobe option (0 automatic)
//   28      4     u32 rerankPool option
//   32      8     u64 seed
//   40      8     u64 count
//   48      8     u64 next insertion sequence (below 2^32)
//   56      8     u64 size at the last training (0: untrained)
//   64      8     f64 mean distance to the centroids at that training
//   72      8     f64 sum of the distances of the vectors added since
//   80      8     u64 how many were added since
//   88      4     u32 trained lists L (0: untrained)
//   92      4     u32 groups G: 0 (version 1: its two-level quantizer's groups, read and dropped)
//   96      ...   L * dim f32 centroids (version 1: then G * dim f32 group centroids and L u32
//                 group of each list)
//   ...     ...   count items: id (as in index_format.cpp), u64 sequence, u32 list, f32 scale,
//                 dim i8 codes, and dim f32 (unit length) when float32 copies are kept
//   end-4   4     u32 CRC-32 of every byte before it
//
// Loading a whole buffer checks the checksum, then every number against its range and the
// bytes left before anything is allocated from it. Loading from pieces (IvfIndex::Loader,
// index_loaders.h) checks the same numbers as the records arrive and the checksum at the end;
// saving in pieces (BeginSave) writes the same bytes.
#include <cmath>
#include <cstring>

#include "byte_io.h"
#include "crc32.h"
#include "index_loaders.h"
#include "ivf_index.h"
#include "size_limits.h"

namespace clipscope {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'S', 'I', 'V', 'F'};
constexpr uint32_t kVersion = 2;
constexpr uint32_t kOldestVersion = 1;
constexpr size_t kHeaderSize = 96;
constexpr uint8_t kKeepFloats = 1;

Status Corrupt(const std::string& why) { return Reader::CorruptData(why); }
std::string Str(uint64_t n) { return std::to_string(n); }

// The magic and the version at p (at least 12 bytes): what both loaders check first.
Status CheckMagicAndVersion(const uint8_t* p) {
  return clipscope::CheckMagicAndVersion(p, kMagic, kOldestVersion, kVersion, "approximate index");
}

}  // namespace

SaveCursor IvfIndex::BeginSave() const {
  Writer w;
  w.Bytes(kMagic, sizeof kMagic);
  w.Value<uint32_t>(kVersion);
  w.Value<uint32_t>(uint32_t(dim_));
  w.Value<uint8_t>(options_.keep_floats ? kKeepFloats : 0);
  w.Bytes("\0\0\0", 3);
  w.Value<uint32_t>(uint32_t(options_.lists));
  w.Value<uint32_t>(uint32_t(options_.nprobe));
  w.Value<uint32_t>(uint32_t(options_.rerank_pool));
  w.Value<uint64_t>(options_.seed);
  w.Value<uint64_t>(size());
  w.Value<uint64_t>(next_seq_);
  w.Value<uint64_t>(trained_size_);
  w.Value<double>(trained_distance_);
  w.Value<double>(added_distance_sum_);
  w.Value<uint64_t>(added_since_training_);
  w.Value<uint32_t>(uint32_t(quantizer_.lists()));
  w.Value<uint32_t>(0);  // groups
  // Records: one per centroid, one per item.
  const size_t first_item = quantizer_.lists();
  auto write = [this, first_item](size_t record, Writer& out) {
    const size_t row_bytes = dim_ * sizeof(float);
    if (record < first_item) {
      out.Bytes(&quantizer_.centroids()[record * dim_], row_bytes);
    } else {
      const uint32_t item = uint32_t(record - first_item);
      const List& l = lists_[list_of_[item]];
      const uint32_t at = place_of_[item];
      out.Id(ids_.Get(item));
      out.Value<uint64_t>(seqs_[item]);
      out.Value<uint32_t>(list_of_[item]);
      out.Value<float>(l.scales[at]);
      out.Bytes(&l.codes[size_t(at) * dim_], dim_);
      if (options_.keep_floats) out.Bytes(&floats_[size_t(item) * dim_], row_bytes);
    }
  };
  return SaveCursor(std::move(w.out()), first_item + size(), std::move(write),
                    [this, changes = changes_] { return changes_ == changes; });
}

std::vector<uint8_t> IvfIndex::Serialize() const { return JoinPieces(BeginSave()); }

Result<IvfIndex> IvfIndex::Deserialize(const uint8_t* bytes, size_t size) {
  // The frame first (magic, version, checksum), so that damage is named as such.
  if (size < kHeaderSize + 4)
    return Corrupt("only " + Str(size) + " bytes, the header alone needs " + Str(kHeaderSize + 4));
  if (Status frame = CheckMagicAndVersion(bytes); !frame.ok()) return frame;
  uint32_t stored_crc = 0;
  std::memcpy(&stored_crc, bytes + size - 4, 4);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (Crc32(bytes, size - 4) != stored_crc) return ChecksumMismatch();
#endif
  Loader loader(size);
  if (Status fed = loader.Feed(bytes, size); !fed.ok()) return fed;
  return loader.Finish();
}

Status IvfIndex::Loader::Feed(const uint8_t* bytes, size_t size) {
  if (!failed_.ok()) return failed_;
  failed_ = in_.Feed(bytes, size, [this](const uint8_t* p, size_t n) { return Step(p, n); });
  return failed_;
}

Result<size_t> IvfIndex::Loader::Step(const uint8_t* p, size_t n) {
  const size_t dim = index_ ? index_->dim_ : 0, row_bytes = dim * 4;
  switch (stage_) {
    case Stage::kHeader:
      return ReadHeader(p, n);
    case Stage::kCentroids: {
      if (n < row_bytes) return size_t(0);
      centroids_.resize(centroids_.size() + dim);
      std::memcpy(&centroids_[centroids_.size() - dim], p, row_bytes);
      if (centroids_.size() == size_t(lists_) * dim) {
        if (groups_ > 0) {
          stage_ = Stage::kGroupCentroids;
        } else if (Status used = UseCentroids(); !used.ok()) {
          return used;
        }
      }
      return row_bytes;
    }
    case Stage::kGroupCentroids: {  // version 1: checked, then dropped
      if (n < row_bytes) return size_t(0);
      for (size_t j = 0; j < dim; ++j) {
        float v;
        std::memcpy(&v, p + 4 * j, 4);
        if (!std::isfinite(v)) return Corrupt("a centroid is not finite");
      }
      if (++group_rows_read_ == groups_) stage_ = Stage::kGroupOfList;
      return row_bytes;
    }
    case Stage::kGroupOfList: {  // version 1: checked, then dropped
      if (n < size_t(lists_) * 4) return size_t(0);
      for (size_t l = 0; l < lists_; ++l) {
        uint32_t group;
        std::memcpy(&group, p + 4 * l, 4);
        if (group >= groups_) return Corrupt("a list's group is out of range");
      }
      if (Status used = UseCentroids(); !used.ok()) return used;
      return size_t(lists_) * 4;
    }
    case Stage::kItems:
      return ReadItem(p, n);
    case Stage::kChecksum: {
      Result<size_t> read = ReadChecksum(p, n, in_.crc());
      if (read.ok() && read.value() > 0) stage_ = Stage::kDone;
      return read;
    }
    case Stage::kDone:
      if (n == 0) return size_t(0);
      return Corrupt(Str(n) + " bytes follow the last item");
  }
  return size_t(0);
}

Status IvfIndex::Loader::UseCentroids() {
  auto q = CoarseQuantizer::FromCentroids(index_->dim_, std::move(centroids_));
  if (!q.ok()) return q.status();
  index_->quantizer_ = std::move(q.value());
  index_->lists_.assign(lists_, List());
  stage_ = count_ == 0 ? Stage::kChecksum : Stage::kItems;
  return Status::Ok();
}

// The header, each number range-checked.
Result<size_t> IvfIndex::Loader::ReadHeader(const uint8_t* p, size_t n) {
  if (n < kHeaderSize) return size_t(0);
  if (Status frame = CheckMagicAndVersion(p); !frame.ok()) return frame;
  Reader r(p + sizeof kMagic + 4, kHeaderSize - sizeof kMagic - 4);  // after the version
  uint32_t version = 0, dim = 0, lists_option = 0, nprobe = 0, pool = 0;
  std::memcpy(&version, p + sizeof kMagic, 4);
  uint8_t flags = 0, reserved[3];
  uint64_t seed = 0, trained_size = 0, added_since = 0;
  double trained_distance = 0, added_sum = 0;
  r.Value(&dim), r.Value(&flags), r.Bytes(reserved, 3), r.Value(&lists_option);
  r.Value(&nprobe), r.Value(&pool), r.Value(&seed), r.Value(&count_), r.Value(&next_seq_);
  r.Value(&trained_size), r.Value(&trained_distance), r.Value(&added_sum);
  r.Value(&added_since), r.Value(&lists_), r.Value(&groups_);
  if (reserved[0] || reserved[1] || reserved[2] || (flags & ~kKeepFloats))
    return Corrupt("reserved header bits are not zero");
  IvfOptions options{lists_option, nprobe, (flags & kKeepFloats) != 0, pool, seed};
  auto created = Create(dim, options);
  if (!created.ok()) return Corrupt(created.status().message());
  index_.emplace(std::move(created.value()));
  IvfIndex& index = *index_;
  const bool groups_valid =
      version == 1 ? groups_ <= lists_ && (lists_ > 0) == (groups_ > 0) : groups_ == 0;
  if (lists_ > kMaxLists || !groups_valid)
    return Corrupt("lists " + Str(lists_) + " and groups " + Str(groups_) + " are out of range");
  if (!std::isfinite(trained_distance) || !std::isfinite(added_sum) || trained_distance < 0 ||
      added_sum < 0 || added_since > count_ || trained_size > UINT32_MAX || next_seq_ < count_ ||
      next_seq_ > UINT32_MAX)
    return Corrupt("training figures are out of range");
  const size_t item_bytes = 1 + 8 + 4 + 4 + dim + (options.keep_floats ? 4 * size_t(dim) : 0);
  const uint64_t centroid_bytes =
      (uint64_t(lists_) + groups_) * dim * 4 + (groups_ > 0 ? uint64_t(lists_) * 4 : 0);
  if (total_ > 0) {  // bound every count by the size before reserving from it
    const uint64_t left = total_ - std::min<uint64_t>(total_, kHeaderSize + 4);
    if (centroid_bytes > left || count_ > (left - centroid_bytes) / item_bytes)
      return Corrupt("count " + Str(count_) + " and " + Str(lists_) + " lists do not fit in " +
                     Str(total_) + " bytes");
    index.ids_.Reserve(count_);
    if (options.keep_floats) index.floats_.reserve(count_ * dim);
  }
  index.next_seq_ = next_seq_;
  index.trained_size_ = trained_size;
  index.trained_distance_ = trained_distance;
  index.added_distance_sum_ = added_sum;
  index.added_since_training_ = added_since;
  stage_ = lists_ > 0 ? Stage::kCentroids : count_ > 0 ? Stage::kItems : Stage::kChecksum;
  return kHeaderSize;
}

// An item, checked: a unique id, a sequence below next, a list in range, a valid scale,
// unit-length floats. Stored as saved, so a round trip is bit-exact.
Result<size_t> IvfIndex::Loader::ReadItem(const uint8_t* p, size_t n) {
  IvfIndex& index = *index_;
  const size_t dim = index.dim_;
  const bool keep_floats = index.options_.keep_floats;
  const uint64_t i = done_;
  Result<size_t> record = IdRecordBytes(p, n, i);
  if (!record.ok()) return record;
  const size_t id_bytes = record.value();
  const size_t bytes = id_bytes + 8 + 4 + 4 + dim + (keep_floats ? 4 * dim : 0);
  if (id_bytes == 0 || n < bytes) return size_t(0);
  Reader r(p, bytes);
  ItemId id;
  if (Status read = r.Id(i, &id); !read.ok()) return read;
  uint64_t seq = 0;
  uint32_t list = 0;
  float scale = 0;
  r.Value(&seq), r.Value(&list), r.Value(&scale);
  const int8_t* code = reinterpret_cast<const int8_t*>(r.Take(dim));
  if (Status valid = index.CheckNewIds({id}); !valid.ok()) return Corrupt(valid.message());
  if (seq >= next_seq_ || !seqs_.insert(seq).second)
    return Corrupt("item " + Str(i) + " has an invalid insertion sequence");
  if (list >= index.lists_.size())
    return Corrupt("item " + Str(i) + " is in list " + Str(list) + " of " +
                   Str(index.lists_.size()));
  if (!std::isfinite(scale) || scale < 0)
    return Corrupt("item " + Str(i) + " has an invalid scale");
  if (keep_floats) {
    const size_t at = index.floats_.size();
    index.floats_.resize(at + dim);
    r.Bytes(&index.floats_[at], dim * 4);
    double norm_sq = 0;
    for (size_t j = 0; j < dim; ++j)
      norm_sq += double(index.floats_[at + j]) * index.floats_[at + j];
    if (!(std::fabs(norm_sq - 1.0) < 1e-3)) {
      index.floats_.resize(at);
      return Corrupt("vector " + Str(i) + " is not unit length");
    }
  }
  const uint32_t item = uint32_t(index.size());
  index.ids_.Append(id);
  index.seqs_.push_back(uint32_t(seq));  // below next_seq, itself below 2^32
  index.list_of_.push_back(list);
  index.place_of_.push_back(0);
  index.Place(item, list, code, scale);
  if (++done_ == count_) stage_ = Stage::kChecksum;
  return bytes;
}

Result<IvfIndex> IvfIndex::Loader::Finish() {
  if (!failed_.ok()) return failed_;
  if (stage_ == Stage::kDone && !index_)
    return Corrupt("this loader has already returned its index");
  switch (stage_) {
    case Stage::kHeader:
      return Corrupt("it ends inside its header, after " + Str(in_.pending()) + " bytes");
    case Stage::kCentroids:
    case Stage::kGroupCentroids:
    case Stage::kGroupOfList:
      return Corrupt("it ends inside its centroids");
    case Stage::kItems:
      return Corrupt("it ends after " + Str(done_) + " of " + Str(count_) + " items");
    case Stage::kChecksum:
      return Corrupt("it ends before its checksum");
    case Stage::kDone:
      break;
  }
  in_.Release();
  std::unordered_set<uint64_t>().swap(seqs_);
  for (List& l : index_->lists_) {  // no spare room: a loaded index holds what it needs
    l.codes.shrink_to_fit();
    l.scales.shrink_to_fit();
    l.items.shrink_to_fit();
  }
  IvfIndex index = std::move(*index_);
  index_.reset();
  return index;
}

}  // namespace clipscope
