// Loading the saved formats (index_format.cpp, ivf_format.cpp) from pieces as they arrive — a
// file or a stream read chunk by chunk — so that no buffer holds the whole collection. Every
// number is range-checked as in Deserialize; memory grows only with the bytes that arrived
// (unless the total size is given, to reserve it up front), and the checksum is verified at
// the end: Finish returns the index only when every byte is accounted for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_set>
#include <vector>

#include "embedding_index.h"
#include "ivf_index.h"
#include "piece_parser.h"

namespace clipscope {

class EmbeddingIndex::Loader {
 public:
  // total_size: the bytes that will be fed, when known (0: unknown).
  explicit Loader(uint64_t total_size = 0) : total_(total_size) {}
  // Parses what the piece completes. After an error the loader refuses further pieces.
  Status Feed(const uint8_t* bytes, size_t size);
  // The index, once the whole format (checksum included) has been fed.
  Result<EmbeddingIndex> Finish();

 private:
  enum class Stage { kHeader, kIds, kVectors, kChecksum, kDone };
  Result<size_t> Step(const uint8_t* p, size_t n);
  Result<size_t> ReadHeader(const uint8_t* p, size_t n);
  Result<size_t> ReadId(const uint8_t* p, size_t n);
  Result<size_t> ReadVector(const uint8_t* p);

  uint64_t total_;
  PieceParser in_;
  Status failed_;
  Stage stage_ = Stage::kHeader;
  std::optional<EmbeddingIndex> index_;
  std::vector<ItemId> ids_;
  std::vector<float> row_;
  uint64_t count_ = 0, done_ = 0;
  size_t row_bytes_ = 0;
};

class IvfIndex::Loader {
 public:
  explicit Loader(uint64_t total_size = 0) : total_(total_size) {}
  Status Feed(const uint8_t* bytes, size_t size);
  Result<IvfIndex> Finish();

 private:
  enum class Stage { kHeader, kCentroids, kGroupCentroids, kGroupOfList, kItems, kChecksum, kDone };
  Result<size_t> Step(const uint8_t* p, size_t n);
  // The centroids become the quantizer; the items come next.
  Status UseCentroids();
  Result<size_t> ReadHeader(const uint8_t* p, size_t n);
  Result<size_t> ReadItem(const uint8_t* p, size_t n);

  uint64_t total_;
  PieceParser in_;
  Status failed_;
  Stage stage_ = Stage::kHeader;
  std::optional<IvfIndex> index_;
  uint64_t count_ = 0, done_ = 0, next_seq_ = 0;
  uint32_t lists_ = 0, groups_ = 0;  // groups: version 1 only, read and dropped
  uint32_t group_rows_read_ = 0;
  std::vector<float> centroids_;
  std::unordered_set<uint64_t> seqs_;
};

}  // namespace clipscope
