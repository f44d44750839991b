// The saved approximate index, version 1. All integers and floats little-endian.
//
//   offset  size  field
//   0       8     magic "CLIPSIVF"
//   8       4     u32 format version (1)
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
//   92      4     u32 groups G
//   96      ...   L * dim f32 centroids, G * dim f32 group centroids, L u32 group of each list
//   ...     ...   count items: id (as in index_format.cpp), u64 sequence, u32 list, f32 scale,
//                 dim i8 codes, and dim f32 (unit length) when float32 copies are kept
//   end-4   4     u32 CRC-32 of every byte before it
//
// Loading checks the checksum, then every number against its range and the bytes left before
// anything is allocated from it.
#include <cmath>
#include <cstring>
#include <unordered_set>

#include "byte_io.h"
#include "crc32.h"
#include "ivf_index.h"
#include "size_limits.h"

namespace clipscope {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'I', 'P', 'S', 'I', 'V', 'F'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderSize = 96;
constexpr uint8_t kKeepFloats = 1;

Status Corrupt(const std::string& why) { return Reader::CorruptData(why); }
std::string Str(uint64_t n) { return std::to_string(n); }

}  // namespace

std::vector<uint8_t> IvfIndex::Serialize() const {
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
  w.Value<uint32_t>(uint32_t(quantizer_.groups()));
  w.Bytes(quantizer_.centroids().data(), quantizer_.centroids().size() * sizeof(float));
  w.Bytes(quantizer_.group_centroids().data(), quantizer_.group_centroids().size() * sizeof(float));
  w.Bytes(quantizer_.group_of_list().data(), quantizer_.group_of_list().size() * 4);
  for (uint32_t item = 0; item < size(); ++item) {
    const List& l = lists_[list_of_[item]];
    const uint32_t at = place_of_[item];
    w.Id(ids_.Get(item));
    w.Value<uint64_t>(seqs_[item]);
    w.Value<uint32_t>(list_of_[item]);
    w.Value<float>(l.scales[at]);
    w.Bytes(&l.codes[size_t(at) * dim_], dim_);
    if (options_.keep_floats) w.Bytes(&floats_[size_t(item) * dim_], dim_ * sizeof(float));
  }
  w.Value<uint32_t>(Crc32(w.out().data(), w.out().size()));
  return std::move(w.out());
}

Result<IvfIndex> IvfIndex::Deserialize(const uint8_t* bytes, size_t size) {
  // 1. Frame: magic, version, checksum.
  if (size < kHeaderSize + 4)
    return Corrupt("only " + Str(size) + " bytes, the header alone needs " + Str(kHeaderSize + 4));
  if (std::memcmp(bytes, kMagic, sizeof kMagic) != 0)
    return Corrupt("it does not start with the clipscope approximate index magic \"CLIPSIVF\"");
  Reader r(bytes + sizeof kMagic, size - sizeof kMagic - 4);
  uint32_t version = 0;
  r.Value(&version);
  if (version != kVersion)
    return Status(ErrorCode::kUnsupportedVersion,
                  "approximate index format version " + Str(version) +
                      " is not supported; this build reads version " + Str(kVersion));
  uint32_t stored_crc = 0;
  std::memcpy(&stored_crc, bytes + size - 4, 4);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  if (Crc32(bytes, size - 4) != stored_crc)
    return Corrupt("checksum mismatch (the data was truncated or altered)");
#endif
  // 2. Header, each number range-checked.
  uint32_t dim = 0, lists_option = 0, nprobe = 0, pool = 0, lists = 0, groups = 0;
  uint8_t flags = 0, reserved[3];
  uint64_t seed = 0, count = 0, next_seq = 0, trained_size = 0, added_since = 0;
  double trained_distance = 0, added_sum = 0;
  r.Value(&dim), r.Value(&flags), r.Bytes(reserved, 3), r.Value(&lists_option);
  r.Value(&nprobe), r.Value(&pool), r.Value(&seed), r.Value(&count), r.Value(&next_seq);
  r.Value(&trained_size), r.Value(&trained_distance), r.Value(&added_sum);
  r.Value(&added_since), r.Value(&lists), r.Value(&groups);
  if (reserved[0] || reserved[1] || reserved[2] || (flags & ~kKeepFloats))
    return Corrupt("reserved header bits are not zero");
  IvfOptions options{lists_option, nprobe, (flags & kKeepFloats) != 0, pool, seed};
  auto created = Create(dim, options);
  if (!created.ok()) return Corrupt(created.status().message());
  IvfIndex index = std::move(created.value());
  if (lists > kMaxLists || groups > lists || (lists > 0) != (groups > 0))
    return Corrupt("lists " + Str(lists) + " and groups " + Str(groups) + " are out of range");
  if (!std::isfinite(trained_distance) || !std::isfinite(added_sum) || trained_distance < 0 ||
      added_sum < 0 || added_since > count || trained_size > UINT32_MAX || next_seq < count ||
      next_seq > UINT32_MAX)
    return Corrupt("training figures are out of range");
  const size_t item_bytes = 1 + 8 + 4 + 4 + dim + (options.keep_floats ? 4 * size_t(dim) : 0);
  const uint64_t centroid_bytes = (uint64_t(lists) + groups) * dim * 4 + uint64_t(lists) * 4;
  if (centroid_bytes > r.left() || count > (r.left() - centroid_bytes) / item_bytes)
    return Corrupt("count " + Str(count) + " and " + Str(lists) + " lists do not fit in " +
                   Str(size) + " bytes");
  // 3. Centroids.
  if (lists > 0) {
    std::vector<float> centroids(size_t(lists) * dim), group_centroids(size_t(groups) * dim);
    std::vector<uint32_t> group_of_list(lists);
    r.Bytes(centroids.data(), centroids.size() * 4);
    r.Bytes(group_centroids.data(), group_centroids.size() * 4);
    r.Bytes(group_of_list.data(), group_of_list.size() * 4);
    auto q = CoarseQuantizer::FromParts(dim, std::move(centroids), std::move(group_centroids),
                                        std::move(group_of_list));
    if (!q.ok()) return q.status();
    index.quantizer_ = std::move(q.value());
    index.lists_.assign(lists, List());
  }
  index.next_seq_ = next_seq;
  index.trained_size_ = trained_size;
  index.trained_distance_ = trained_distance;
  index.added_distance_sum_ = added_sum;
  index.added_since_training_ = added_since;
  // 4. Items, each checked: a unique id, a sequence below next, a list in range, a valid scale,
  //    unit-length floats. Stored as saved, so a round trip is bit-exact.
  index.ids_.Reserve(count);
  std::unordered_set<uint64_t> seqs;
  std::vector<int8_t> code(dim);
  std::vector<float> row(options.keep_floats ? dim : 0);
  for (uint64_t i = 0; i < count; ++i) {
    ItemId id;
    if (Status read = r.Id(i, &id); !read.ok()) return read;
    uint64_t seq = 0;
    uint32_t list = 0;
    float scale = 0;
    if (!r.Value(&seq) || !r.Value(&list) || !r.Value(&scale) || !r.Bytes(code.data(), dim) ||
        !r.Bytes(row.data(), row.size() * 4))
      return Corrupt("items end early");
    if (Status valid = index.CheckNewIds({id}); !valid.ok()) return Corrupt(valid.message());
    if (seq >= next_seq || !seqs.insert(seq).second)
      return Corrupt("item " + Str(i) + " has an invalid insertion sequence");
    if (list >= index.lists_.size())
      return Corrupt("item " + Str(i) + " is in list " + Str(list) + " of " +
                     Str(index.lists_.size()));
    if (!std::isfinite(scale) || scale < 0)
      return Corrupt("item " + Str(i) + " has an invalid scale");
    if (options.keep_floats) {
      double norm_sq = 0;
      for (float x : row) norm_sq += double(x) * x;
      if (!(std::fabs(norm_sq - 1.0) < 1e-3))
        return Corrupt("vector " + Str(i) + " is not unit length");
      index.floats_.insert(index.floats_.end(), row.begin(), row.end());
    }
    const uint32_t item = uint32_t(index.size());
    index.ids_.Append(id);
    index.seqs_.push_back(uint32_t(seq));  // below next_seq, itself below 2^32
    index.list_of_.push_back(list);
    index.place_of_.push_back(0);
    index.Place(item, list, code.data(), scale);
  }
  if (r.left() != 0) return Corrupt(Str(r.left()) + " bytes follow the last item");
  for (List& l : index.lists_) {  // no spare room: a loaded index holds what it needs
    l.codes.shrink_to_fit();
    l.scales.shrink_to_fit();
    l.items.shrink_to_fit();
  }
  return index;
}

}  // namespace clipscope
