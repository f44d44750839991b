#include "embedding_index.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <string>
#include <unordered_set>

#include "exact_scans.h"
#include "one_query_ranges.h"
#include "parallel.h"
#include "quantize.h"
#include "simd.h"
#include "size_limits.h"
#include "top_k.h"
#include "vector_checks.h"

namespace clipscope {
namespace {

std::string Str(size_t n) { return std::to_string(n); }

}  // namespace

Result<EmbeddingIndex> EmbeddingIndex::Create(size_t dim, IndexOptions options) {
  if (dim == 0 || dim > kMaxDim) {
    return Status(ErrorCode::kInvalidArgument,
                  "dimension must be between 1 and " + Str(kMaxDim) + ", got " + Str(dim));
  }
  if (static_cast<uint8_t>(options.storage) > static_cast<uint8_t>(Storage::kInt8Exact)) {
    return Status(ErrorCode::kInvalidArgument,
                  "unknown storage type " + Str(static_cast<size_t>(options.storage)));
  }
  Status pool = CheckAtMost("rerankPool", options.rerank_pool, kMaxRerankPool);
  if (!pool.ok()) return pool;
  return EmbeddingIndex(dim, options);
}

Status EmbeddingIndex::CheckNewIds(const std::vector<ItemId>& ids) const {
  if (size() + ids.size() > UINT32_MAX) {
    return Status(ErrorCode::kInvalidArgument, "an index holds at most 4294967295 vectors");
  }
  std::unordered_set<ItemId> batch_ids;
  for (size_t i = 0; i < ids.size(); ++i) {
    const ItemId& id = ids[i];
    if (Status valid = CheckIdValue(id, i); !valid.ok()) return valid;
    if (slot_of_.count(id)) {
      return Status(ErrorCode::kDuplicateId, "id " + DescribeId(id) + " is already in the index");
    }
    if (!batch_ids.insert(id).second) {
      return Status(ErrorCode::kDuplicateId,
                    "id " + DescribeId(id) + " appears more than once in the batch");
    }
  }
  return Status::Ok();
}

Status EmbeddingIndex::Add(const std::vector<ItemId>& ids, const float* vectors,
                           size_t num_floats) {
  ++changes_;
  // 1. Validate everything before touching storage, so a failed batch changes nothing.
  const size_t n = ids.size();
  size_t expected = 0;
  if (!CheckedProduct(n, dim_, &expected) || num_floats != expected) {
    return Status(ErrorCode::kDimensionMismatch,
                  "got " + Str(num_floats) + " floats for " + Str(n) + " ids; expected " + Str(n) +
                      " x " + Str(dim_) + " = " + std::to_string(uint64_t(n) * dim_));
  }
  Status valid = CheckNewIds(ids);
  if (valid.ok()) {
    valid = CheckVectors(vectors, n, dim_, [&](size_t i) {
      return "vector " + Str(i) + " (id " + DescribeId(ids[i]) + ")";
    });
  }
  if (!valid.ok()) return valid;
  // 2. Commit: normalise each vector into storage. One batch into an empty index allocates
  //    exactly; growth is 1.5x so that many small batches stay linear. Memory running out
  //    midway undoes the batch: what was stored before stays as it was.
  const size_t before = size();
  try {
    Reserve(before + n);
    std::vector<float> unit(dim_);
    for (size_t i = 0; i < n; ++i) {
      Normalize(vectors + i * dim_, dim_, unit.data());
      Store(ids[i], unit.data());
    }
  } catch (...) {  // an allocation failed: see size_limits.h
    Truncate(before);
    const uint64_t bytes = uint64_t(before + n) * dim_ * (has_floats() ? 4 : 1);
    return Status(ErrorCode::kOutOfMemory, "out of memory: adding " + Str(n) + " vectors of " +
                                               Str(dim_) + " dims to " + Str(before) + " needs " +
                                               std::to_string(bytes) + " bytes of vectors");
  }
  return Status::Ok();
}

void EmbeddingIndex::Truncate(size_t count) {
  for (size_t slot = count; slot < ids_.size(); ++slot) slot_of_.erase(ids_[slot]);
  ids_.resize(std::min(ids_.size(), count));
  seqs_.resize(std::min(seqs_.size(), count));
  if (has_floats()) vectors_.resize(std::min(vectors_.size(), count * dim_));
  if (has_codes()) {
    codes_.resize(std::min(codes_.size(), count * dim_));
    scales_.resize(std::min(scales_.size(), count));
  }
}

void EmbeddingIndex::Reserve(size_t count) {
  auto grow = [count](auto& v, size_t per_item) {
    size_t wanted = 0;
    if (!CheckedProduct(count, per_item, &wanted) || wanted > v.max_size()) throw std::bad_alloc();
    if (wanted <= v.capacity()) return;
    try {
      v.reserve(std::max(wanted, std::min(v.max_size(), v.capacity() / 2 * 3)));
    } catch (...) {       // an allocation failed: see size_limits.h
      v.reserve(wanted);  // no room for the spare half: exactly what is needed, if that fits
    }
  };
  grow(ids_, 1), grow(seqs_, 1);
  if (has_floats()) grow(vectors_, dim_);
  if (has_codes()) grow(codes_, dim_), grow(scales_, 1);
  slot_of_.reserve(count);
}

void EmbeddingIndex::StoreId(const ItemId& id) {
  slot_of_.emplace(id, static_cast<uint32_t>(ids_.size()));
  ids_.push_back(id);
  seqs_.push_back(next_seq_++);
}

void EmbeddingIndex::Store(const ItemId& id, const float* unit_vector) {
  StoreId(id);
  if (has_floats()) vectors_.insert(vectors_.end(), unit_vector, unit_vector + dim_);
  if (has_codes()) {
    codes_.resize(codes_.size() + dim_);
    scales_.push_back(QuantizeInt8(unit_vector, dim_, codes_.data() + codes_.size() - dim_));
  }
}

Status EmbeddingIndex::Remove(const std::vector<ItemId>& ids) {
  ++changes_;
  for (const ItemId& id : ids) {
    if (!slot_of_.count(id)) {
      return Status(ErrorCode::kUnknownId, "id " + DescribeId(id) + " is not in the index");
    }
  }
  // Swap-remove keeps storage dense; the insertion sequence keeps ties and save order stable.
  for (const ItemId& id : ids) {
    auto found = slot_of_.find(id);
    if (found == slot_of_.end()) continue;  // repeated in ids: already removed
    const uint32_t slot = found->second, last = static_cast<uint32_t>(ids_.size() - 1);
    slot_of_.erase(found);
    if (slot != last) {
      ids_[slot] = std::move(ids_[last]);
      seqs_[slot] = seqs_[last];
      slot_of_[ids_[slot]] = slot;
      if (has_floats()) {
        std::copy_n(vectors_.begin() + size_t(last) * dim_, dim_,
                    vectors_.begin() + size_t(slot) * dim_);
      }
      if (has_codes()) {
        std::copy_n(codes_.begin() + size_t(last) * dim_, dim_,
                    codes_.begin() + size_t(slot) * dim_);
        scales_[slot] = scales_[last];
      }
    }
    ids_.pop_back();
    seqs_.pop_back();
    if (has_floats()) vectors_.resize(vectors_.size() - dim_);
    if (has_codes()) {
      codes_.resize(codes_.size() - dim_);
      scales_.pop_back();
    }
  }
  return Status::Ok();
}

Result<std::vector<float>> EmbeddingIndex::Get(const ItemId& id) const {
  auto found = slot_of_.find(id);
  if (found == slot_of_.end()) {
    return Status(ErrorCode::kUnknownId, "id " + DescribeId(id) + " is not in the index");
  }
  const size_t slot = found->second;
  std::vector<float> out(dim_);
  if (has_floats()) {
    std::copy_n(vectors_.begin() + slot * dim_, dim_, out.begin());
  } else {
    DequantizeInt8(codes_.data() + slot * dim_, scales_[slot], dim_, out.data());
  }
  return out;
}

void EmbeddingIndex::Clear() {
  ++changes_;
  // swap with empty containers so the memory is returned, not just the size reset
  std::vector<float>().swap(vectors_);
  std::vector<int8_t>().swap(codes_);
  std::vector<float>().swap(scales_);
  std::vector<ItemId>().swap(ids_);
  std::vector<uint64_t>().swap(seqs_);
  std::unordered_map<ItemId, uint32_t>().swap(slot_of_);
}

Status EmbeddingIndex::CheckQueries(const float* queries, size_t num_floats, int k) const {
  if (k <= 0)
    return Status(ErrorCode::kInvalidArgument, "k must be at least 1, got " + std::to_string(k));
  Status bounded = CheckAtMost("k", uint64_t(k), kMaxSearchK);
  if (!bounded.ok()) return bounded;
  if (num_floats == 0 || num_floats % dim_ != 0) {
    return Status(ErrorCode::kDimensionMismatch,
                  "query has " + Str(num_floats) + " values, index has " + Str(dim_) + " dims");
  }
  if (size() == 0) return Status(ErrorCode::kEmptyIndex, "the index is empty");
  return CheckVectors(queries, num_floats / dim_, dim_, [](size_t q) { return "query " + Str(q); });
}

Result<std::vector<uint32_t>> EmbeddingIndex::ResolveFilter(
    const std::vector<ItemId>& filter) const {
  std::vector<uint32_t> slots;
  slots.reserve(filter.size());
  for (const ItemId& id : filter) {
    auto found = slot_of_.find(id);
    if (found == slot_of_.end()) {
      return Status(ErrorCode::kUnknownId, "filter id " + DescribeId(id) + " is not in the index");
    }
    slots.push_back(found->second);
  }
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

Result<Hits> EmbeddingIndex::Search(const float* query, size_t num_floats, int k,
                                    const std::vector<ItemId>* filter) const {
  if (num_floats != dim_) {
    return Status(ErrorCode::kDimensionMismatch,
                  "query has " + Str(num_floats) + " dims, index has " + Str(dim_));
  }
  Result<std::vector<Hits>> batch = SearchBatch(query, num_floats, k, filter);
  if (!batch.ok()) return batch.status();
  return std::move(batch.value().front());
}

Result<std::vector<Hits>> EmbeddingIndex::SearchBatch(const float* queries, size_t num_floats,
                                                      int k,
                                                      const std::vector<ItemId>* filter) const {
  Status valid = CheckQueries(queries, num_floats, k);
  if (!valid.ok()) return valid;
  std::vector<uint32_t> slots;
  if (filter) {
    Result<std::vector<uint32_t>> resolved = ResolveFilter(*filter);
    if (!resolved.ok()) return resolved.status();
    slots = std::move(resolved.value());
  }
  // Queries are normalised so scores are cosines whatever the caller's scale.
  const size_t num_queries = num_floats / dim_;
  std::vector<float> unit(num_floats);
  for (size_t q = 0; q < num_queries; ++q) Normalize(queries + q * dim_, dim_, &unit[q * dim_]);
  const size_t kept = std::min<size_t>(size_t(k), filter ? slots.size() : size());
  return options_.storage == Storage::kFloat32
             ? ScanFloat32(unit.data(), num_queries, kept, filter ? &slots : nullptr)
             : ScanInt8(unit.data(), num_queries, kept, filter ? &slots : nullptr);
}

Hits EmbeddingIndex::ToHits(const std::vector<Candidate>& best) const {
  Hits hits;
  hits.ids.reserve(best.size());
  hits.scores.reserve(best.size());
  for (const Candidate& c : best) {
    hits.ids.push_back(ids_[c.slot]);
    hits.scores.push_back(c.score);
  }
  return hits;
}

std::vector<Hits> EmbeddingIndex::ScanFloat32(const float* queries, size_t num_queries, size_t k,
                                              const std::vector<uint32_t>* slots) const {
  // 1. Every kernel sums in simd.h's canonical order, so the blocking below changes speed only.
  // 2. One query without a filter: four streams of rows; ranges of rows in parallel shares,
  //    each into a selection of its own. 3. Many: rows in L2-sized blocks; up to five queries
  //    at a time against row pairs (DotMx2); ranges of queries in parallel shares, each
  //    filling only its queries' selections.
  //    4. With a filter: one Dot per (query, listed row), queries in parallel too (one query:
  //    ranges of its listed rows, as in 2).
  std::vector<TopK> best(num_queries, TopK(k));
  for (TopK& selection : best) selection.ReserveFor(slots ? slots->size() : size());
  const float* data = vectors_.data();
  const uint64_t* const seqs = seqs_.data();
  const size_t d = dim_;
  if (slots) {
    TopK* const selections = best.data();
    const uint32_t* const listed = slots->data();
    const size_t num_listed = slots->size();
    if (num_queries == 1) {
      ScanRowsOfOneQuery(num_listed, d, k, selections, [=](size_t begin, size_t end, TopK* each) {
        ScanListedRows(queries, data, seqs, listed, begin, end, d, each);
      });
    } else {
      ForRanges(num_queries, 1, [=](size_t first, size_t last) {
        for (size_t q = first; q < last; ++q)
          ScanListedRows(queries + q * d, data, seqs, listed, 0, num_listed, d, selections + q);
      });
    }
  } else if (num_queries == 1) {
    ScanRowsOfOneQuery(size(), d, k, &best[0], [=](size_t begin, size_t end, TopK* selection) {
      ScanOneFloat32Query(queries, data, seqs, begin, end, d, selection);
    });
  } else {
    const size_t n = size();
    const size_t block = std::max<size_t>(4, kBlockBytes / (dim_ * sizeof(float)) / 4 * 4);
    TopK* const selections = best.data();
    ForRanges(num_queries, 1, [=](size_t first, size_t last) {
      ScanFloat32Queries(queries, data, seqs, n, d, block, first, last, selections);
    });
  }
  std::vector<Hits> out;
  out.reserve(num_queries);
  for (TopK& selection : best) out.push_back(ToHits(selection.TakeSorted()));
  return out;
}

std::vector<Hits> EmbeddingIndex::ScanInt8(const float* queries, size_t num_queries, size_t k,
                                           const std::vector<uint32_t>* slots) const {
  // 1. Quantise each query and score every row with exact int32 dot products.
  // 2. Keep a pool of the best approximate candidates (at least k).
  // 3. Re-rank the pool with the float32 query against the stored float32 rows (kInt8Exact)
  //    or the dequantised codes (kInt8).
  const size_t pool =
      std::max(k, options_.rerank_pool ? options_.rerank_pool : std::max<size_t>(4 * k, 64));
  std::vector<int8_t> query_codes(num_queries * dim_);
  std::vector<float> query_scales(num_queries);
  for (size_t q = 0; q < num_queries; ++q) {
    query_scales[q] = QuantizeInt8(queries + q * dim_, dim_, &query_codes[q * dim_]);
  }
  std::vector<int16_t> wide_queries;  // the kernels of every scan but a filter's
  if (!slots) wide_queries.assign(query_codes.begin(), query_codes.end());
  std::vector<TopK> approx(num_queries, TopK(pool));
  for (TopK& selection : approx) selection.ReserveFor(slots ? slots->size() : size());
  // Ranges of queries in parallel shares, each filling only its queries' pools (one query:
  // ranges of its rows, or of its listed rows, each into a pool of its own).
  const Int8Scan scan{query_codes.data(),
                      wide_queries.data(),
                      query_scales.data(),
                      codes_.data(),
                      scales_.data(),
                      seqs_.data(),
                      slots != nullptr,
                      slots ? slots->data() : nullptr,
                      slots ? slots->size() : 0,
                      size(),
                      dim_,
                      approx.data()};
  if (num_queries == 1) {
    const size_t rows = slots ? slots->size() : size();
    ScanRowsOfOneQuery(rows, dim_, pool, &approx[0], [scan](size_t begin, size_t end, TopK* p) {
      if (scan.filtered)
        ScanListedInt8(scan, 0, begin, end, p);
      else
        ScanOneInt8Query(scan, begin, end, p);
    });
  } else {
    ForRanges(num_queries, 1,
              [scan](size_t first, size_t last) { ScanInt8Queries(scan, first, last); });
  }
  const int8_t* codes = codes_.data();
  std::vector<Hits> out;
  out.reserve(num_queries);
  std::vector<float> row_values(dim_);
  for (size_t q = 0; q < num_queries; ++q) {
    TopK exact(k);
    for (const Candidate& c : approx[q].TakeSorted()) {
      // Without float rows (int8 storage), vectors_ is empty: no offset from its null data.
      const float* row = row_values.data();
      if (has_floats())
        row = vectors_.data() + size_t(c.slot) * dim_;
      else
        DequantizeInt8(codes + size_t(c.slot) * dim_, scales_[c.slot], dim_, row_values.data());
      exact.Push({simd::Dot(queries + q * dim_, row, dim_), c.seq, c.slot});
    }
    out.push_back(ToHits(exact.TakeSorted()));
  }
  return out;
}

uint64_t EmbeddingIndex::PeakBytesToAdd(size_t n) const {
  const uint64_t total = uint64_t(size()) + n;
  // A full array grows to exactly what is needed at least (Reserve's fallback).
  auto grown = [&](size_t capacity, uint64_t item_bytes) {
    return total <= capacity ? 0 : total * item_bytes;
  };
  uint64_t peak =
      grown(ids_.capacity(), sizeof(ItemId)) + grown(seqs_.capacity(), sizeof(uint64_t));
  if (has_floats()) peak += grown(vectors_.capacity() / dim_, uint64_t(dim_) * sizeof(float));
  if (has_codes()) peak += grown(codes_.capacity() / dim_, dim_) + grown(scales_.capacity(), 4);
  // The lookup table: its buckets when it rehashes, and a node per new id.
  const uint64_t node = 2 * sizeof(void*) + sizeof(ItemId) + sizeof(uint32_t) + sizeof(size_t);
  peak += total * sizeof(void*) + uint64_t(n) * node + uint64_t(dim_) * sizeof(float);
  return peak;
}

size_t EmbeddingIndex::MemoryBytes() const {
  size_t bytes = vectors_.capacity() * sizeof(float) + codes_.capacity() + scales_.capacity() * 4 +
                 ids_.capacity() * sizeof(ItemId) + seqs_.capacity() * sizeof(uint64_t);
  for (const ItemId& id : ids_) {
    if (const std::string* text = std::get_if<std::string>(&id); text && text->capacity() > 15) {
      bytes += text->capacity() + 1;
    }
  }
  // unordered_map: one bucket pointer per bucket, one node (next pointer + key + value + hash).
  bytes +=
      slot_of_.bucket_count() * sizeof(void*) +
      slot_of_.size() * (2 * sizeof(void*) + sizeof(ItemId) + sizeof(uint32_t) + sizeof(size_t));
  return bytes;
}

}  // namespace clipscope
