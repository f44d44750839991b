// An in-memory index of L2-normalised embeddings with exact (float32) or int8 cosine top-k.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "item_id.h"
#include "save_cursor.h"
#include "status.h"

namespace clipscope {

struct Candidate;  // top_k.h

// Bytes per vector of dimension d, besides the id: float32 4d, int8_exact 5d + 4, int8 d + 4.
enum class Storage : uint8_t {
  // Exact float32 scores.
  kFloat32 = 0,
  // 4x less memory: int8 codes and one scale per vector. The int8 scan's best candidates are
  // re-ranked with the float32 query against the dequantised codes, so scores carry the
  // quantisation error (about 3e-4 at d = 512).
  kInt8 = 1,
  // The int8 scan (a quarter of the memory traffic) with the float32 vectors kept to
  // re-rank the candidates exactly: hits and scores are those of kFloat32 unless the true
  // top k falls outside the candidate pool.
  kInt8Exact = 2,
};

struct IndexOptions {
  Storage storage = Storage::kFloat32;
  // Int8 storages: how many int8 candidates are re-ranked with the float32 query.
  // 0 = automatic: max(4 * k, 64).
  size_t rerank_pool = 0;
};

struct Hits {
  std::vector<ItemId> ids;    // best first
  std::vector<float> scores;  // cosine similarity of each id, non-increasing
};

class EmbeddingIndex {
 public:
  // dim: number of floats in every vector (1 .. 65536).
  static Result<EmbeddingIndex> Create(size_t dim, IndexOptions options = {});

  // Adds ids.size() vectors, all or none. vectors: num_floats = ids.size() * dim floats,
  // row-major. Each vector is L2-normalised on the way in. Fails on a count mismatch,
  // NaN/Inf, a zero vector or an id already stored (or repeated in the batch).
  Status Add(const std::vector<ItemId>& ids, const float* vectors, size_t num_floats);

  // Removes the given ids, all or none: fails without removing anything if one is unknown.
  Status Remove(const std::vector<ItemId>& ids);

  // The stored (normalised) vector: dim floats. Int8 storage returns the dequantised vector.
  Result<std::vector<float>> Get(const ItemId& id) const;

  bool Contains(const ItemId& id) const { return slot_of_.count(id) != 0; }
  size_t size() const { return ids_.size(); }
  size_t dim() const { return dim_; }
  const IndexOptions& options() const { return options_; }
  void Clear();

  // Top-k by cosine similarity. query: num_floats = dim floats (it need not be normalised).
  // k > size() returns size() hits. filter (optional): only these ids are candidates.
  Result<Hits> Search(const float* query, size_t num_floats, int k,
                      const std::vector<ItemId>* filter = nullptr) const;

  // num_queries queries at once: queries holds num_queries * dim floats. Same results as
  // num_queries calls of Search, computed block by block so each block of stored vectors is
  // read from memory once for all queries.
  Result<std::vector<Hits>> SearchBatch(const float* queries, size_t num_floats, int k,
                                        const std::vector<ItemId>* filter = nullptr) const;

  // The stored vectors of `ids` (all items, in storage order, when null) as float32 rows for
  // clustering: row i belongs to (*row_ids)[i]. For float32 storages and the whole index the
  // result points into the index (valid until it changes); otherwise the rows are gathered
  // (int8: dequantised) into *scratch. Fails on an unknown id.
  Result<const float*> Rows(const std::vector<ItemId>* ids, std::vector<float>* scratch,
                            std::vector<ItemId>* row_ids) const;

  // Every stored id, oldest first (the order saves use).
  std::vector<ItemId> IdsInInsertionOrder() const;

  // Groups of items whose pairwise cosine is >= threshold, linked transitively (a ~ b and
  // b ~ c put a, b, c in one group). Only groups of two or more; members and groups in
  // insertion order. threshold in [-1, 1].
  Result<std::vector<std::vector<ItemId>>> NearDuplicates(float threshold) const;

  // The versioned binary format of index_format.cpp.
  std::vector<uint8_t> Serialize() const;
  static Result<EmbeddingIndex> Deserialize(const uint8_t* bytes, size_t size);
  // The same bytes in pieces of bounded size; the cursor fails if the index changes before it
  // is done, and must not outlive the index.
  SaveCursor BeginSave() const;
  // Reads the format from pieces as they arrive (index_loaders.h).
  class Loader;

  // Bytes held for the vectors, ids and lookup table (an estimate for the hash table).
  size_t MemoryBytes() const;
  // The least memory adding n vectors can take at its peak, beyond what the index holds: the
  // grown arrays (the old ones live until copied), the ids' nodes and the batch's scratch.
  // A check before the allocations, so that a batch that cannot fit is refused up front.
  uint64_t PeakBytesToAdd(size_t n) const;

 private:
  EmbeddingIndex(size_t dim, IndexOptions options) : dim_(dim), options_(options) {}

  bool has_floats() const { return options_.storage != Storage::kInt8; }
  bool has_codes() const { return options_.storage != Storage::kFloat32; }
  Status CheckNewIds(const std::vector<ItemId>& ids) const;
  std::vector<uint32_t> SlotsInInsertionOrder() const;
  // Drops every item from slot `count` on (undoing a batch that ran out of memory).
  void Truncate(size_t count);
  Status CheckQueries(const float* queries, size_t num_floats, int k) const;
  Result<std::vector<uint32_t>> ResolveFilter(const std::vector<ItemId>& filter) const;
  void Reserve(size_t count);
  void StoreId(const ItemId& id);
  void Store(const ItemId& id, const float* unit_vector);
  std::vector<Hits> ScanFloat32(const float* queries, size_t num_queries, size_t k,
                                const std::vector<uint32_t>* slots) const;
  std::vector<Hits> ScanInt8(const float* queries, size_t num_queries, size_t k,
                             const std::vector<uint32_t>* slots) const;
  Hits ToHits(const std::vector<Candidate>& best) const;

  size_t dim_;
  IndexOptions options_;
  std::vector<float> vectors_;  // has_floats(): size() * dim_ unit-length floats
  std::vector<int8_t> codes_;   // has_codes(): size() * dim_ int8 codes
  std::vector<float> scales_;   // has_codes(): one dequantisation scale per vector
  std::vector<ItemId> ids_;     // slot -> id
  std::vector<uint64_t> seqs_;  // slot -> insertion sequence (tie-break, save order)
  std::unordered_map<ItemId, uint32_t> slot_of_;
  uint64_t next_seq_ = 0;
  uint64_t changes_ = 0;  // every call that changes the index adds one (a save checks it)
};

}  // namespace clipscope
