#include "ivf_index.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <numeric>
#include <string>
#include <unordered_set>

#include "one_query_ranges.h"
#include "parallel.h"
#include "quantize.h"
#include "random.h"
#include "simd.h"
#include "size_limits.h"
#include "top_k.h"
#include "vector_checks.h"

namespace clipscope {
namespace {

std::string Str(size_t n) { return std::to_string(n); }

// Training sample per list: enough rows for k-means to place every centroid well.
constexpr size_t kSamplePerList = 48;
// The automatic nprobe: this share of the lists (bench/RESULTS.md: recall@10 of 0.95 and more
// on clustered CLIP-like embeddings at 100,000 and 1,000,000).
constexpr size_t kDefaultProbeDivisor = 16;
// Rows of an added batch normalised, quantised and assigned to lists at once.
constexpr size_t kAssignBlock = 4096;

Status UnknownId(const ItemId& id, const char* what = "id ") {
  return Status(ErrorCode::kUnknownId, std::string(what) + DescribeId(id) + " is not in the index");
}

}  // namespace

Result<IvfIndex> IvfIndex::Create(size_t dim, IvfOptions options) {
  if (dim == 0 || dim > kMaxDim)
    return Status(ErrorCode::kInvalidArgument,
                  "dimension must be between 1 and " + Str(kMaxDim) + ", got " + Str(dim));
  for (Status s : {CheckAtMost("lists", options.lists, kMaxLists),
                   CheckAtMost("nprobe", options.nprobe, kMaxLists),
                   CheckAtMost("rerankPool", options.rerank_pool, kMaxRerankPool)}) {
    if (!s.ok()) return s;
  }
  IvfIndex index(dim, options);
  index.lists_.resize(1);
  return index;
}

size_t IvfIndex::ListsFor(size_t n) const {
  const size_t wanted =
      options_.lists ? options_.lists : size_t(std::lround(std::sqrt(2.0 * double(n))));
  return std::clamp<size_t>(wanted, 1, std::min(n, kMaxLists));
}

size_t IvfIndex::default_nprobe() const {
  if (options_.nprobe) return std::min(options_.nprobe, lists());
  return std::max<size_t>(1, (lists() + kDefaultProbeDivisor - 1) / kDefaultProbeDivisor);
}

Status IvfIndex::CheckNewIds(const std::vector<ItemId>& ids) const {
  if (size() + ids.size() > UINT32_MAX - 1)
    return Status(ErrorCode::kInvalidArgument, "an index holds at most 4294967294 vectors");
  std::unordered_set<ItemId> batch;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (Status valid = CheckIdValue(ids[i], i); !valid.ok()) return valid;
    if (const std::string* text = std::get_if<std::string>(&ids[i]);
        text && text->size() >= (1u << 24))
      return Status(ErrorCode::kInvalidArgument, "id " + Str(i) + " is longer than 16 MiB");
    if (Contains(ids[i]))
      return Status(ErrorCode::kDuplicateId,
                    "id " + DescribeId(ids[i]) + " is already in the index");
    if (!batch.insert(ids[i]).second)
      return Status(ErrorCode::kDuplicateId,
                    "id " + DescribeId(ids[i]) + " appears more than once in the batch");
  }
  return Status::Ok();
}

void IvfIndex::ReserveMembers(List* l, size_t members) const {
  l->codes.reserve(members * dim_);
  l->scales.reserve(members);
  l->items.reserve(members);
}

void IvfIndex::Place(uint32_t item, uint32_t list, const int8_t* code, float scale) {
  List& l = lists_[list];
  if (l.items.size() == l.items.capacity()) {
    // Lists grow by a sixteenth, not double: a list's spare room is memory every vector pays
    // for (copying costs 16 moves per vector over its list's growth, far below the assignment).
    ReserveMembers(&l, l.items.size() + l.items.size() / 16 + 16);
  }
  l.codes.insert(l.codes.end(), code, code + dim_);
  l.scales.push_back(scale);
  l.items.push_back(item);
  list_of_[item] = list;
  place_of_[item] = uint32_t(l.items.size() - 1);
}

void IvfIndex::Unplace(uint32_t item) {
  List& l = lists_[list_of_[item]];
  const uint32_t at = place_of_[item], last = uint32_t(l.items.size() - 1);
  if (at != last) {
    std::copy_n(l.codes.begin() + size_t(last) * dim_, dim_, l.codes.begin() + size_t(at) * dim_);
    l.scales[at] = l.scales[last];
    l.items[at] = l.items[last];
    place_of_[l.items[at]] = at;
  }
  l.codes.resize(l.codes.size() - dim_);
  l.scales.pop_back();
  l.items.pop_back();
}

void IvfIndex::RemoveItem(uint32_t item) {
  Unplace(item);
  const uint32_t last = uint32_t(size() - 1);
  ids_.SwapRemove(item);
  if (item != last) {
    seqs_[item] = seqs_[last];
    list_of_[item] = list_of_[last];
    place_of_[item] = place_of_[last];
    lists_[list_of_[item]].items[place_of_[item]] = item;
    if (options_.keep_floats)
      std::copy_n(floats_.begin() + size_t(last) * dim_, dim_,
                  floats_.begin() + size_t(item) * dim_);
  }
  seqs_.pop_back();
  list_of_.pop_back();
  place_of_.pop_back();
  if (options_.keep_floats) floats_.resize(floats_.size() - dim_);
}

void IvfIndex::TruncateTo(size_t count) {
  // Items past `count` that reached a list leave it; the others were never placed.
  while (size() > count) {
    const uint32_t item = uint32_t(size() - 1);
    const List& l = lists_[list_of_[item]];
    if (place_of_[item] < l.items.size() && l.items[place_of_[item]] == item) Unplace(item);
    ids_.PopBack();
    seqs_.pop_back();
    list_of_.pop_back();
    place_of_.pop_back();
  }
  if (options_.keep_floats) floats_.resize(count * dim_);
}

Status IvfIndex::Add(const std::vector<ItemId>& ids, const float* vectors, size_t num_floats) {
  ++changes_;
  const size_t n = ids.size();
  size_t expected = 0;
  if (!CheckedProduct(n, dim_, &expected) || num_floats != expected)
    return Status(ErrorCode::kDimensionMismatch,
                  "got " + Str(num_floats) + " floats for " + Str(n) + " ids; expected " + Str(n) +
                      " x " + Str(dim_) + " = " + std::to_string(uint64_t(n) * dim_));
  if (Status valid = CheckNewIds(ids); !valid.ok()) return valid;
  Status valid = CheckVectors(vectors, n, dim_, [&](size_t i) {
    return "vector " + Str(i) + " (id " + DescribeId(ids[i]) + ")";
  });
  if (!valid.ok()) return valid;
  const size_t before = size();
  try {
    ids_.Reserve(before + n);
    for (auto* v : {&list_of_, &place_of_}) v->reserve(before + n);
    seqs_.reserve(before + n);
    if (options_.keep_floats) floats_.reserve((before + n) * dim_);
    // Untrained, every vector goes to the one list: its room made once, not a sixteenth at a
    // time (16 copies of the list, with no assignment to hide them).
    if (!trained()) ReserveMembers(&lists_[0], lists_[0].items.size() + n);
    const size_t block = std::min(n, kAssignBlock), d = dim_;
    std::vector<float> unit(block * d), scales(block), distance(block);
    std::vector<int8_t> codes(block * d);
    std::vector<uint32_t> list(block);
    for (size_t start = 0; start < n; start += kAssignBlock) {
      const size_t count = std::min(kAssignBlock, n - start);
      // Each row normalised and quantised in parallel shares; stored below, in order.
      const float* in = vectors + start * d;
      float *unit_rows = unit.data(), *row_scales = scales.data();
      int8_t* code_rows = codes.data();
      ForRanges(count, RowsPerShare(d), [=](size_t first, size_t last) {
        for (size_t i = first; i < last; ++i) {
          Normalize(in + i * d, d, unit_rows + i * d);
          row_scales[i] = QuantizeInt8(unit_rows + i * d, d, code_rows + i * d);
        }
      });
      if (trained()) {
        quantizer_.Assign(unit.data(), count, list.data(), distance.data());
      } else {
        std::fill_n(list.begin(), count, 0u);
      }
      for (size_t i = 0; i < count; ++i) {
        const uint32_t item = uint32_t(size());
        ids_.Append(ids[start + i]);
        if (next_seq_ == UINT32_MAX) RenumberSequences();
        seqs_.push_back(uint32_t(next_seq_++));
        list_of_.push_back(0);
        place_of_.push_back(UINT32_MAX);
        if (options_.keep_floats)
          floats_.insert(floats_.end(), &unit[i * dim_], &unit[(i + 1) * dim_]);
        Place(item, list[i], &codes[i * d], scales[i]);
      }
      if (trained()) {
        for (size_t i = 0; i < count; ++i) added_distance_sum_ += distance[i];
        added_since_training_ += count;
      }
    }
  } catch (...) {  // an allocation failed: see size_limits.h
    TruncateTo(before);
    return Status(ErrorCode::kOutOfMemory,
                  "out of memory: adding " + Str(n) + " vectors of " + Str(dim_) + " dims to " +
                      Str(before) + " needs about " +
                      std::to_string(uint64_t(before + n) * (dim_ + 40)) + " bytes");
  }
  // Train when the collection is large enough, or has outgrown or drifted from its lists. The
  // batch is stored either way: a training that fails (out of memory) leaves the lists as they
  // were, every vector still found, and the next batch tries again.
  if ((!trained() && size() >= kTrainAt) ||
      (trained() && size() >= kRetrainGrowth * trained_size_) || Drifted())
    (void)Train();
  return Status::Ok();
}

void IvfIndex::RenumberSequences() {
  std::vector<uint32_t> order(seqs_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return seqs_[a] < seqs_[b]; });
  for (uint32_t rank = 0; rank < order.size(); ++rank) seqs_[order[rank]] = rank;
  next_seq_ = order.size();
}

bool IvfIndex::Drifted() const {
  if (!trained() || added_since_training_ * 10 < size() || added_since_training_ == 0) return false;
  return added_distance_sum_ / double(added_since_training_) >
         double(kDriftRatio) * std::max(trained_distance_, 1e-6);
}

void IvfIndex::VectorOf(uint32_t item, float* out) const {
  if (options_.keep_floats) {
    std::copy_n(floats_.begin() + size_t(item) * dim_, dim_, out);
    return;
  }
  const List& l = lists_[list_of_[item]];
  const uint32_t at = place_of_[item];
  DequantizeInt8(&l.codes[size_t(at) * dim_], l.scales[at], dim_, out);
}

Status IvfIndex::Train() {
  ++changes_;
  if (size() == 0) return Status(ErrorCode::kEmptyIndex, "the index is empty");
  return Retrain(ListsFor(size()));
}

Status IvfIndex::Retrain(size_t lists) {
  try {
    // 1. A seeded sample, kSamplePerList rows per list (all rows when fewer).
    const size_t n = size();
    const size_t sample = std::min(n, std::max(lists, lists * kSamplePerList));
    std::vector<uint32_t> rows(n);
    for (uint32_t i = 0; i < n; ++i) rows[i] = i;
    Random rng(options_.seed ^ 0x1F3D5B79ull);
    for (size_t i = 0; i < sample; ++i) std::swap(rows[i], rows[i + rng.Below(n - i)]);
    rows.resize(sample);
    std::sort(rows.begin(), rows.end());  // the sample's order depends on the seed only
    const size_t d = dim_;
    const IvfIndex* self = this;
    std::vector<float> x(sample * d);
    float* x_rows = x.data();
    const uint32_t* sampled = rows.data();
    ForRanges(sample, RowsPerShare(d), [=](size_t first, size_t last) {
      for (size_t i = first; i < last; ++i) self->VectorOf(sampled[i], x_rows + i * d);
    });
    auto trained = CoarseQuantizer::Train(x.data(), sample, dim_, lists, options_.seed);
    if (!trained.ok()) return trained.status();
    std::vector<float>().swap(x);
    // 2. Every item's new list. 3. The new lists allocated whole, so that nothing after can
    //    fail halfway: running out of memory until here leaves the index as it was.
    //    Each row is restored where it is assigned, in the quantizer's parallel shares; the
    //    distances are summed in list order, as they always were.
    const CoarseQuantizer& q = trained.value();
    std::vector<uint32_t> target(n);
    std::vector<float> distance(n);
    q.AssignRows(
        n,
        [](const void* index, size_t item, float* out) {
          static_cast<const IvfIndex*>(index)->VectorOf(uint32_t(item), out);
        },
        this, target.data(), distance.data());
    double distance_sum = 0;
    for (const List& from : lists_) {
      for (uint32_t item : from.items) distance_sum += distance[item];
    }
    std::vector<float>().swap(distance);
    std::vector<size_t> members_of(lists, 0);
    for (uint32_t t : target) ++members_of[t];
    std::vector<List> fresh(lists);
    for (size_t l = 0; l < lists; ++l) ReserveMembers(&fresh[l], members_of[l]);
    // 4. Codes move over, each old list freed once emptied.
    fresh.swap(lists_);
    for (List& from : fresh) {
      for (size_t m = 0; m < from.items.size(); ++m)
        Place(from.items[m], target[from.items[m]], &from.codes[m * dim_], from.scales[m]);
      from = List();
    }
    quantizer_ = std::move(trained.value());
    trained_size_ = n;
    trained_distance_ = distance_sum / double(n);
    added_distance_sum_ = 0;
    added_since_training_ = 0;
  } catch (...) {  // an allocation failed: see size_limits.h
    return Status(ErrorCode::kOutOfMemory, "out of memory while training the index's lists");
  }
  return Status::Ok();
}

Status IvfIndex::Remove(const std::vector<ItemId>& ids) {
  ++changes_;
  for (const ItemId& id : ids) {
    if (!Contains(id)) return UnknownId(id);
  }
  for (const ItemId& id : ids) {
    const uint32_t item = ids_.Find(id);
    if (item != IdTable::kNone) RemoveItem(item);  // else repeated in ids: already removed
  }
  return Status::Ok();
}

Result<std::vector<float>> IvfIndex::Get(const ItemId& id) const {
  const uint32_t item = ids_.Find(id);
  if (item == IdTable::kNone) return UnknownId(id);
  std::vector<float> out(dim_);
  VectorOf(item, out.data());
  return out;
}

void IvfIndex::Clear() {
  IvfIndex empty(dim_, options_);
  empty.lists_.resize(1);
  empty.changes_ = changes_ + 1;
  *this = std::move(empty);
}

Result<Hits> IvfIndex::Search(const float* query, size_t num_floats, int k, size_t nprobe,
                              const std::vector<ItemId>* filter) const {
  if (num_floats != dim_)
    return Status(ErrorCode::kDimensionMismatch,
                  "query has " + Str(num_floats) + " dims, index has " + Str(dim_));
  auto batch = SearchBatch(query, num_floats, k, nprobe, filter);
  if (!batch.ok()) return batch.status();
  return std::move(batch.value().front());
}

Result<std::vector<Hits>> IvfIndex::SearchBatch(const float* queries, size_t num_floats, int k,
                                                size_t nprobe,
                                                const std::vector<ItemId>* filter) const {
  if (k <= 0)
    return Status(ErrorCode::kInvalidArgument, "k must be at least 1, got " + std::to_string(k));
  for (Status s :
       {CheckAtMost("k", uint64_t(k), kMaxSearchK), CheckAtMost("nprobe", nprobe, kMaxLists)}) {
    if (!s.ok()) return s;
  }
  if (num_floats == 0 || num_floats % dim_ != 0)
    return Status(ErrorCode::kDimensionMismatch,
                  "query has " + Str(num_floats) + " values, index has " + Str(dim_) + " dims");
  if (size() == 0) return Status(ErrorCode::kEmptyIndex, "the index is empty");
  const size_t num_queries = num_floats / dim_;
  Status valid =
      CheckVectors(queries, num_queries, dim_, [](size_t q) { return "query " + Str(q); });
  if (!valid.ok()) return valid;
  std::vector<uint32_t> items;
  if (filter) {
    items.reserve(filter->size());
    for (const ItemId& id : *filter) {
      const uint32_t item = ids_.Find(id);
      if (item == IdTable::kNone) return UnknownId(id, "filter id ");
      items.push_back(item);
    }
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
  }
  // 1. Queries normalised, scratch for every query allocated here; 2. one parallel share per
  //    query (lists differ in length: shares claimed by whichever thread is free end together),
  //    each filling the query's int8 pool and re-ranking it with the float32 query (a share
  //    writes only its query's scratch and selections, and a row of its own to re-rank in);
  //    a lone query instead has its rows cut into ranges, the pool filled by parallel shares
  //    (a million photos probe tens of thousands of rows); 3. the selections as hits.
  const size_t probe = std::min(nprobe ? nprobe : default_nprobe(), lists());
  const bool probing = !filter && trained();
  const size_t pool = PoolSize(size_t(k)), d = dim_, lists_here = lists();
  std::vector<float> units(num_queries * d), scores(probing ? num_queries * lists_here : 0);
  std::vector<int8_t> codes(num_queries * d);
  std::vector<int16_t> wides(filter ? 0 : num_queries * d);
  std::vector<uint32_t> order(scores.size()), probed(probing ? num_queries * probe : 0);
  std::vector<TopK> pools(num_queries, TopK(pool)), bests(num_queries, TopK(size_t(k)));
  for (size_t q = 0; q < num_queries; ++q) {
    Normalize(queries + q * d, d, &units[q * d]);
    pools[q].ReserveFor(filter ? items.size() : size());
    bests[q].ReserveFor(pool);
  }
  ScratchSlots<std::vector<float>> rerank_rows(std::min<size_t>(num_queries, WorkerThreads()),
                                               std::vector<float>(d));
  ScratchSlots<std::vector<float>>* const rerank_row = &rerank_rows;
  const float* unit_rows = units.data();
  float* score_rows = scores.data();
  int8_t* code_rows = codes.data();
  int16_t* wide_rows = wides.data();
  uint32_t *order_rows = order.data(), *probed_rows = probed.data();
  const uint32_t* listed = filter ? items.data() : nullptr;
  const size_t listed_size = items.size();
  TopK *pool_rows = pools.data(), *best_rows = bests.data();
  const IvfIndex* self = this;
  auto rows_of = [=](size_t q) {
    return self->RowsOfQuery(unit_rows + q * d, probe, listed, listed_size, code_rows + q * d,
                             filter ? nullptr : wide_rows + q * d,
                             probing ? score_rows + q * lists_here : nullptr,
                             probing ? order_rows + q * lists_here : nullptr,
                             probing ? probed_rows + q * probe : nullptr);
  };
  if (num_queries == 1) {
    // A lone query: its rows are cut into ranges that the core's threads scan side by side.
    const QueryRows rows = rows_of(0);
    ScanRowsOfOneQuery(rows.rows, d, pool, pool_rows, [=](size_t begin, size_t end, TopK* sel) {
      self->ScanQueryRows(rows, begin, end, sel);
    });
    rerank_row->With([=](std::vector<float>* row) {
      self->Rerank(unit_rows, pool_rows[0], row->data(), best_rows);
    });
  } else {
    ForEachShare(num_queries, [=](size_t q) {
      const QueryRows rows = rows_of(q);
      self->ScanQueryRows(rows, 0, rows.rows, pool_rows + q);
      rerank_row->With([=](std::vector<float>* row) {
        self->Rerank(unit_rows + q * d, pool_rows[q], row->data(), best_rows + q);
      });
    });
  }
  std::vector<Hits> out;
  out.reserve(num_queries);
  for (TopK& best : bests) out.push_back(HitsOf(&best));
  return out;
}

size_t IvfIndex::PoolSize(size_t k) const {
  return std::max(k, options_.rerank_pool ? options_.rerank_pool : std::max<size_t>(4 * k, 64));
}

IvfIndex::QueryRows IvfIndex::RowsOfQuery(const float* query, size_t nprobe, const uint32_t* filter,
                                          size_t filter_size, int8_t* code, int16_t* wide,
                                          float* scores, uint32_t* order, uint32_t* probed) const {
  static constexpr uint32_t kOnlyList = 0;
  QueryRows rows{code, wide, QuantizeInt8(query, dim_, code), nullptr, 0, filter, 0};
  if (filter) {
    rows.count = rows.rows = filter_size;
    return rows;
  }
  std::copy(code, code + dim_, wide);
  rows.count = trained() ? quantizer_.NearestInto(query, nprobe, scores, order, probed) : 1;
  rows.lists = trained() ? probed : &kOnlyList;
  for (size_t p = 0; p < rows.count; ++p) rows.rows += lists_[rows.lists[p]].items.size();
  return rows;
}

void IvfIndex::ScanQueryRows(const QueryRows& rows, size_t begin, size_t end, TopK* pool) const {
  const int8_t* code = rows.code;
  auto push = [&](const List& l, uint32_t at, int32_t dot) {
    const float score = float(dot) * rows.scale * l.scales[at];
    if (pool->Rejects(score)) return;  // most members: no lookup of their sequence
    const uint32_t item = l.items[at];
    pool->Push({score, seqs_[item], item});
  };
  if (rows.filter) {
    for (size_t i = begin; i < end; ++i) {
      const List& l = lists_[list_of_[rows.filter[i]]];
      const uint32_t at = place_of_[rows.filter[i]];
      push(l, at, simd::DotI8(code, &l.codes[size_t(at) * dim_], dim_));
    }
    return;
  }
  // Rows are counted one list after another: skip to the list holding `begin`.
  size_t first = 0;  // the row number of list p's first member
  for (size_t p = 0; p < rows.count && first < end; ++p) {
    const List& list = lists_[rows.lists[p]];
    const size_t members = list.items.size();
    if (first + members > begin) {
      uint32_t at = uint32_t(begin > first ? begin - first : 0);
      const uint32_t stop = uint32_t(std::min(members, end - first));
      for (; at + 4 <= stop; at += 4) {  // a list's codes are contiguous: four rows at once
        int32_t dots[4];
        const int8_t* r = &list.codes[size_t(at) * dim_];
        simd::DotWideI8x4(rows.wide, r, r + dim_, r + 2 * dim_, r + 3 * dim_, dim_, dots);
        for (uint32_t j = 0; j < 4; ++j) push(list, at + j, dots[j]);
      }
      for (; at < stop; ++at)
        push(list, at, simd::DotI8(code, &list.codes[size_t(at) * dim_], dim_));
    }
    first += members;
  }
}

void IvfIndex::Rerank(const float* query, const TopK& pool, float* row, TopK* best) const {
  for (const Candidate& c : pool.Kept()) {
    VectorOf(c.slot, row);
    best->Push({simd::Dot(query, row, dim_), c.seq, c.slot});
  }
}

Hits IvfIndex::HitsOf(TopK* best) const {
  Hits hits;
  for (const Candidate& c : best->TakeSorted()) {
    hits.ids.push_back(ids_.Get(c.slot));
    hits.scores.push_back(c.score);
  }
  return hits;
}

void IvfIndex::ListRows(size_t l, std::vector<ItemId>* ids, std::vector<float>* vectors) const {
  const List& list = lists_[l];
  ids->clear();
  vectors->resize(list.items.size() * dim_);
  for (size_t m = 0; m < list.items.size(); ++m) {
    ids->push_back(ids_.Get(list.items[m]));
    VectorOf(list.items[m], &(*vectors)[m * dim_]);
  }
}

Result<const float*> IvfIndex::Rows(const std::vector<ItemId>* ids, std::vector<float>* scratch,
                                    std::vector<ItemId>* row_ids) const {
  std::vector<uint32_t> items;
  if (ids) {
    items.reserve(ids->size());
    for (const ItemId& id : *ids) {
      const uint32_t item = ids_.Find(id);
      if (item == IdTable::kNone) return UnknownId(id);
      items.push_back(item);
    }
    *row_ids = *ids;
  } else {
    items.resize(size());
    std::iota(items.begin(), items.end(), 0u);
    row_ids->clear();
    row_ids->reserve(size());
    for (uint32_t item : items) row_ids->push_back(ids_.Get(item));
  }
  scratch->resize(items.size() * dim_);
  for (size_t i = 0; i < items.size(); ++i) VectorOf(items[i], scratch->data() + i * dim_);
  return static_cast<const float*>(scratch->data());
}

uint64_t IvfIndex::PeakBytesToAdd(size_t n) const {
  const uint64_t total = uint64_t(size()) + n;
  // Per vector: its code and scale (with a list's spare sixteenth), list slot, place,
  // sequence, id and table slot.
  const uint64_t per_vector = (dim_ + 4 + 4) * 17 / 16 + 4 + 4 + 4 + 9 + 6;
  uint64_t peak = n * per_vector;
  if (options_.keep_floats && total * dim_ > floats_.capacity())
    peak += total * dim_ * sizeof(float);
  // The batch's unit rows, list numbers and distances, a block at a time.
  peak += uint64_t(std::min(n, kAssignBlock)) * (dim_ * sizeof(float) + 8) + dim_;
  // The quantizer's scratch while it assigns them.
  peak += CoarseQuantizer::AssignScratchBytes(quantizer_.lists(), dim_);
  return peak;
}

size_t IvfIndex::MemoryBytes() const {
  size_t bytes = ids_.MemoryBytes() + seqs_.capacity() * sizeof(uint32_t) +
                 (list_of_.capacity() + place_of_.capacity()) * sizeof(uint32_t) +
                 floats_.capacity() * sizeof(float) + lists_.capacity() * sizeof(List) +
                 quantizer_.MemoryBytes();
  for (const List& l : lists_)
    bytes += l.codes.capacity() + l.scales.capacity() * sizeof(float) +
             l.items.capacity() * sizeof(uint32_t);
  return bytes;
}

}  // namespace clipscope
