// Embind bindings of the embedding index: marshal JS values, call the core, return errors as
// {errorCode, message} values that lib/common/errors.ts raises as typed JS errors. No DOM here.
#include <emscripten/bind.h>

#include <string>
#include <vector>

#include "embedding_index.h"
#include "guard.h"
#include "index_loaders.h"
#include "index_values.h"
#include "marshal.h"
#include "memory_budget.h"
#include "row_source.h"
#include "saved_pieces.h"
#include "simd.h"
#include "size_limits.h"

namespace clipscope::bindings {
namespace {

class IndexHandle {
 public:
  explicit IndexHandle(EmbeddingIndex index) : index_(std::move(index)) {}

  // Returns undefined on success, or an error value.
  val Add(const val& ids, const val& vectors) {
    return Guarded([&] {
      std::vector<ItemId> parsed;
      std::string error;
      if (!ReadIds(ids, &parsed, &error)) return InvalidArgument(error);
      std::vector<float> floats = CopyIn<float>(vectors);
      return AddWithinRoom(index_, meter_, parsed, floats, Adding(parsed.size()),
                           Smaller(parsed.size()));
    });
  }

  val Remove(const val& ids) {
    return Guarded([&] {
      std::vector<ItemId> parsed;
      std::string error;
      if (!ReadIds(ids, &parsed, &error)) return InvalidArgument(error);
      Status status = meter_.Track([&] { return index_.Remove(parsed); });
      return status.ok() ? val::undefined() : ErrorValue(status);
    });
  }

  // {vector: Float32Array} or an error value.
  val Get(const val& id) const {
    return Guarded([&] {
      ItemId parsed;
      if (!ReadId(id, &parsed)) return InvalidArgument("id is neither a number nor a string");
      return VectorValue(index_.Get(parsed));
    });
  }

  // true/false, or an error value.
  val Contains(const val& id) const {
    return Guarded([&] {
      ItemId parsed;
      return val(ReadId(id, &parsed) && index_.Contains(parsed));
    });
  }

  // {ids: flat array, scores: Float32Array, perQuery} or an error value. queries holds one
  // or more queries back to back; filter is undefined or an array of ids.
  val Search(const val& queries, double k_in, const val& filter, bool batch) const {
    return Guarded([&] { return SearchUnguarded(queries, k_in, filter, batch); });
  }

  val Serialize() const {
    return Guarded([&] {
      std::vector<uint8_t> bytes = index_.Serialize();
      return CopyOut(bytes.data(), bytes.size());
    });
  }
  SaveCursorHandle BeginSave() const { return SaveCursorHandle(index_.BeginSave()); }

  // {ids, vectors}: the stored (normalised) vectors of ids (undefined: all, in storage order)
  // in one Float32Array of ids.length x dim, or an error value.
  val RowsCopy(const val& ids) const {
    return Guarded([&] { return RowsCopyOf(index_, ids); });
  }

  // {groups: id[][]} or an error value.
  val NearDuplicates(float threshold) const {
    return Guarded([&] { return GroupsValue(index_.NearDuplicates(threshold)); });
  }

  const EmbeddingIndex& index() const { return index_; }
  size_t Size() const { return index_.size(); }
  size_t Dim() const { return index_.dim(); }
  int StorageType() const { return static_cast<int>(index_.options().storage); }
  // The heap bytes the index holds, measured (bindings/memory_budget.h).
  double MemoryBytes() const { return meter_.bytes(); }
  void Clear() {
    meter_.Track([&] {
      index_.Clear();
      return 0;
    });
  }
  HeapMeter& meter() { return meter_; }

 private:
  val SearchUnguarded(const val& queries, double k_in, const val& filter, bool batch) const {
    size_t k = 0;
    if (val error = ReadCount(k_in, "k", 1, kMaxSearchK, &k); !error.isUndefined()) return error;
    std::vector<ItemId> filter_ids;
    bool filtered = false;
    if (val error = ReadFilter(filter, &filter_ids, &filtered); !error.isUndefined()) return error;
    std::vector<float> floats = CopyIn<float>(queries);
    const std::vector<ItemId>* filter_ptr = filtered ? &filter_ids : nullptr;
    std::vector<Hits> hits;
    if (batch) {
      auto result = index_.SearchBatch(floats.data(), floats.size(), int(k), filter_ptr);
      if (!result.ok()) return ErrorValue(result.status());
      hits = std::move(result.value());
    } else {
      auto result = index_.Search(floats.data(), floats.size(), int(k), filter_ptr);
      if (!result.ok()) return ErrorValue(result.status());
      hits.push_back(std::move(result.value()));
    }
    return HitsValue(hits);
  }

  std::string Adding(size_t n) const {
    static const char* const kStorage[] = {"float32", "int8", "int8-exact"};
    return "adding " + std::to_string(n) + " vectors of " + std::to_string(index_.dim()) +
           " dims (" + kStorage[int(index_.options().storage)] + ") to an index of " +
           std::to_string(index_.size());
  }

  // What would fit instead, for the message: int8 storage, a quarter of float32's size.
  std::string Smaller(size_t n) const {
    if (index_.options().storage == Storage::kInt8) return "";
    const uint64_t int8 = (uint64_t(index_.size()) + n) * (index_.dim() + 4 + 100);
    return "The same vectors in int8 storage take about " + Megabytes(int8) +
           " (create the index with { storage: 'int8' }), or in an ApproximateIndex about " +
           Megabytes((uint64_t(index_.size()) + n) * (index_.dim() + 40));
  }

  EmbeddingIndex index_;
  HeapMeter meter_;
};

// {index} or an error value.
val CreateIndex(double dim_in, double storage_in, double rerank_pool_in) {
  return Guarded([&] {
    size_t dim = 0, storage = 0, rerank_pool = 0;
    if (val e = ReadCount(dim_in, "dimension", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(storage_in, "storage", 0, 2, &storage); !e.isUndefined()) return e;
    if (val e = ReadCount(rerank_pool_in, "rerankPool", 0, kMaxRerankPool, &rerank_pool);
        !e.isUndefined()) {
      return e;
    }
    IndexOptions options;
    options.storage = static_cast<Storage>(storage);
    options.rerank_pool = rerank_pool;
    return Created<IndexHandle>(EmbeddingIndex::Create(dim, options), 0);
  });
}

// bytes: a Uint8Array. {index} or an error value.
val DeserializeIndex(const val& bytes) {
  return Guarded([&] {
    std::vector<uint8_t> data = CopyIn<uint8_t>(bytes);
    const int64_t before = int64_t(HeapBytesInUse());
    auto loaded = EmbeddingIndex::Deserialize(data.data(), data.size());
    return Created<IndexHandle>(std::move(loaded), int64_t(HeapBytesInUse()) - before);
  });
}

std::string KernelName() { return simd::KernelName(); }

}  // namespace

const EmbeddingIndex& IndexOfHandle(const val& handle) {
  return handle.as<IndexHandle*>(emscripten::allow_raw_pointers())->index();
}

namespace {

// Bytes malloc has handed out and not taken back: what leak tests watch (the WASM memory's
// size only ever grows, so it cannot show a leak that stays below its high-water mark).
double HeapBytesInUseValue() { return double(HeapBytesInUse()); }

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_index) {
  using namespace clipscope::bindings;
  emscripten::class_<IndexHandle>("EmbeddingIndex")
      .function("add", &IndexHandle::Add)
      .function("remove", &IndexHandle::Remove)
      .function("get", &IndexHandle::Get)
      .function("contains", &IndexHandle::Contains)
      .function("search", &IndexHandle::Search)
      .function("serialize", &IndexHandle::Serialize)
      .function("beginSave", &IndexHandle::BeginSave)
      .function("rows", &IndexHandle::RowsCopy)
      .function("nearDuplicates", &IndexHandle::NearDuplicates)
      .function("size", &IndexHandle::Size)
      .function("dim", &IndexHandle::Dim)
      .function("storage", &IndexHandle::StorageType)
      .function("memoryBytes", &IndexHandle::MemoryBytes)
      .function("clear", &IndexHandle::Clear);
  emscripten::function("createIndex", &CreateIndex);
  emscripten::function("deserializeIndex", &DeserializeIndex);
  using IndexLoader = PieceLoaderHandle<clipscope::EmbeddingIndex, IndexHandle>;
  emscripten::class_<IndexLoader>("IndexLoader")
      .constructor<double>()
      .function("feed", &IndexLoader::Feed)
      .function("finish", &IndexLoader::Finish);
  emscripten::function("kernelName", &KernelName);
  emscripten::function("heapBytesInUse", &HeapBytesInUseValue);
}
