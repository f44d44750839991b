// An approximate index for large collections: an inverted file. A coarse quantizer
// (coarse_quantizer.h) splits the vectors into lists by their nearest centroid; each list keeps
// int8 codes (one scale per vector). A query scans only the `nprobe` lists whose centroids are
// nearest to it, then re-ranks its best candidates: with float32 copies when they are kept
// (exact scores), else with the dequantised codes.
//
// Until it holds kTrainAt vectors the index is one list scanned whole (exact over the codes).
// It trains itself when it reaches that size, and trains again, on its own, when the
// collection has grown kRetrainGrowth times since (a training reassigns every vector: a
// million added 50,000 at a time train at 50,000 and 400,000), or when the vectors added
// since the last training sit kDriftRatio times farther from their centroids than the trained
// ones did (the data has drifted) — once those are at least a tenth of the collection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "coarse_quantizer.h"
#include "embedding_index.h"  // Hits
#include "id_table.h"
#include "item_id.h"
#include "save_cursor.h"
#include "status.h"
#include "top_k.h"

namespace clipscope {

struct IvfOptions {
  // Lists of the coarse quantizer; 0: automatic, sqrt(2 * size) when trained (a size it will
  // pass before it trains again: the lists stay short while it grows).
  size_t lists = 0;
  // Lists a query scans; 0: automatic (one list in 16, at least 1).
  size_t nprobe = 0;
  // Float32 copies of the vectors for exact re-ranking: 4·dim bytes more per vector.
  bool keep_floats = false;
  // How many int8 candidates are re-ranked; 0: max(4k, 64).
  size_t rerank_pool = 0;
  uint64_t seed = 0;
};

class IvfIndex {
 public:
  static constexpr size_t kTrainAt = 20000;
  static constexpr size_t kRetrainGrowth = 8;
  static constexpr float kDriftRatio = 1.25f;
  static constexpr size_t kMaxLists = 65536;

  static Result<IvfIndex> Create(size_t dim, IvfOptions options = {});

  // Adds ids.size() vectors, all or none (as EmbeddingIndex::Add), training or retraining
  // first when the rule above says so.
  Status Add(const std::vector<ItemId>& ids, const float* vectors, size_t num_floats);
  // Removes the ids, all or none.
  Status Remove(const std::vector<ItemId>& ids);
  bool Contains(const ItemId& id) const { return ids_.Find(id) != IdTable::kNone; }
  // The stored vector: the float32 copy when kept, else the dequantised codes.
  Result<std::vector<float>> Get(const ItemId& id) const;
  void Clear();

  // Trains the lists on the stored vectors now (at least one per list) and redistributes them.
  Status Train();

  // Top-k by cosine over the nprobe nearest lists (0: the index's default). With a filter, the
  // listed items are scored directly (exactly over what is stored), not through the lists.
  Result<Hits> Search(const float* query, size_t num_floats, int k, size_t nprobe = 0,
                      const std::vector<ItemId>* filter = nullptr) const;
  Result<std::vector<Hits>> SearchBatch(const float* queries, size_t num_floats, int k,
                                        size_t nprobe = 0,
                                        const std::vector<ItemId>* filter = nullptr) const;

  size_t size() const { return ids_.size(); }
  size_t dim() const { return dim_; }
  bool trained() const { return quantizer_.lists() > 0; }
  size_t lists() const { return trained() ? quantizer_.lists() : 1; }
  size_t default_nprobe() const;
  const IvfOptions& options() const { return options_; }
  // Size at the last training (0: untrained).
  size_t trained_size() const { return trained_size_; }
  // Whether the drift rule would retrain now.
  bool Drifted() const;
  // Every byte held: codes, scales, float copies, ids, lists, centroids.
  size_t MemoryBytes() const;
  // About the most memory adding n vectors takes beyond what the index holds (before any
  // training it may start): their codes and bookkeeping, the float copies grown (the old
  // array lives until copied), and the batch's scratch.
  uint64_t PeakBytesToAdd(size_t n) const;

  // Groups of items whose cosine is >= threshold, linked transitively, as
  // EmbeddingIndex::NearDuplicates; candidate pairs come from each list against itself and its
  // kNearDuplicateLists - 1 nearest lists (sub-quadratic), each verified: exactly with float
  // copies, else against the int8 codes (within about 3e-4).
  static constexpr size_t kNearDuplicateLists = 3;
  Result<std::vector<std::vector<ItemId>>> NearDuplicates(float threshold) const;

  // The stored vectors of `ids` (all items when null) as float32 rows in *scratch, for
  // clustering and maps: row i belongs to (*row_ids)[i] (float copies, or the dequantised
  // codes). 4·dim bytes of scratch per row. Fails on an unknown id.
  Result<const float*> Rows(const std::vector<ItemId>* ids, std::vector<float>* scratch,
                            std::vector<ItemId>* row_ids) const;

  // List l's members (for an export, one list at a time): their ids and vectors (float32
  // copies, or the dequantised codes), in the list's order.
  void ListRows(size_t l, std::vector<ItemId>* ids, std::vector<float>* vectors) const;
  // The list centroids (lists * dim; empty while untrained).
  const std::vector<float>& centroids() const { return quantizer_.centroids(); }

  std::vector<uint8_t> Serialize() const;  // ivf_format.cpp
  static Result<IvfIndex> Deserialize(const uint8_t* bytes, size_t size);
  // The same bytes in pieces of bounded size; the cursor fails if the index changes before it
  // is done, and must not outlive the index.
  SaveCursor BeginSave() const;
  // Reads the format from pieces as they arrive (index_loaders.h).
  class Loader;

 private:
  struct List {
    std::vector<int8_t> codes;    // members * dim
    std::vector<float> scales;    // one per member
    std::vector<uint32_t> items;  // member -> item number
  };

  IvfIndex(size_t dim, IvfOptions options) : dim_(dim), options_(options) {}

  Status CheckNewIds(const std::vector<ItemId>& ids) const;
  size_t ListsFor(size_t n) const;
  // Room for `members` members in list l (codes, scales and items).
  void ReserveMembers(List* l, size_t members) const;
  // Appends item `item`'s code to list l.
  void Place(uint32_t item, uint32_t list, const int8_t* code, float scale);
  // Removes item's entry from its list (swap with the list's last member).
  void Unplace(uint32_t item);
  // Removes item number `item` entirely (the last item takes its number).
  void RemoveItem(uint32_t item);
  // Undoes Add's appends down to `count` items.
  void TruncateTo(size_t count);
  // The unit vector of an item (float copy or dequantised code).
  void VectorOf(uint32_t item, float* out) const;
  Status Retrain(size_t lists);
  // Sequences become 0..size-1 in the same order (when the next would not fit in 32 bits).
  void RenumberSequences();
  // How many int8 candidates each query keeps for re-ranking.
  size_t PoolSize(size_t k) const;
  // The rows one query scores: the probed lists' members one list after another (every
  // member while untrained), or the filter's items; with the query's int8 code and scale.
  struct QueryRows {
    const int8_t* code;
    const int16_t* wide;  // code widened to int16, for the lists' kernel
    float scale;
    const uint32_t* lists;  // lists to scan, or null with a filter
    size_t count;           // lists, or the filter's items
    const uint32_t* filter;
    size_t rows;  // members of the lists, or filter items
  };
  // Step 1 of a query: its code, and the lists it probes. Allocates nothing, so queries run in
  // parallel shares: code has dim_ values, wide too (null with a filter), scores and order
  // lists() entries, probed nprobe.
  QueryRows RowsOfQuery(const float* unit_query, size_t nprobe, const uint32_t* filter,
                        size_t filter_size, int8_t* code, int16_t* wide, float* scores,
                        uint32_t* order, uint32_t* probed) const;
  // Step 2: the int8 scores of rows [begin, end) of the query into `pool`, which has room for
  // each. Allocates nothing, so ranges of one query run in parallel shares too.
  void ScanQueryRows(const QueryRows& rows, size_t begin, size_t end, TopK* pool) const;
  // Step 3: the pool re-ranked with the float32 query into `best` (room for its k); allocates
  // nothing either (row: dim_ floats of scratch).
  void Rerank(const float* unit_query, const TopK& pool, float* row, TopK* best) const;
  // Step 4, on the calling thread: the best k as hits (their ids copied).
  Hits HitsOf(TopK* best) const;
  // NearDuplicates' parallel steps (ivf_near_duplicates.cpp): each list's nearest lists, and
  // the scan of pairs of neighbouring lists.
  struct NearLists;
  struct PairScan;
  static void FindNearLists(NearLists job, size_t range, size_t begin, size_t end);
  static void ScanListPairs(PairScan job, size_t share);

  size_t dim_;
  IvfOptions options_;
  IdTable ids_;
  std::vector<uint32_t> seqs_;      // item -> insertion sequence (tie-break), below 2^32
  std::vector<uint32_t> list_of_;   // item -> list
  std::vector<uint32_t> place_of_;  // item -> position in its list
  std::vector<float> floats_;       // keep_floats: item -> dim unit floats
  std::vector<List> lists_;         // one while untrained
  CoarseQuantizer quantizer_;
  uint64_t next_seq_ = 0;
  size_t trained_size_ = 0;
  double trained_distance_ = 0;    // mean 1 - cos to the centroid at training
  double added_distance_sum_ = 0;  // over vectors added since
  size_t added_since_training_ = 0;
  uint64_t changes_ = 0;  // every call that changes the index adds one (a save checks it)
};

}  // namespace clipscope
