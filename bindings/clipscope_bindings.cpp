// Embind bindings for clipscope: marshal JS values, call the core, turn a Status into an
// {errorCode, message} object that lib/errors.ts raises as a typed JS error. No DOM here.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "embedding_index.h"
#include "simd.h"

namespace {

using clipscope::EmbeddingIndex;
using clipscope::Hits;
using clipscope::ItemId;
using clipscope::Status;
using emscripten::val;

val ErrorValue(const Status& status) {
  val error = val::object();
  error.set("errorCode", std::string(clipscope::ErrorCodeName(status.code())));
  error.set("message", status.message());
  return error;
}

val InvalidArgument(const std::string& message) {
  return ErrorValue(Status(clipscope::ErrorCode::kInvalidArgument, message));
}

// Copies a Float32Array into core memory with one TypedArray.set (a memcpy), no per-element JS.
std::vector<float> CopyFloats(const val& array) {
  std::vector<float> out(array["length"].as<size_t>());
  // The view is made after the allocation, so a memory growth cannot detach it.
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

// Reads one id; false if it is neither a number nor a string.
bool ReadId(const val& value, ItemId* id) {
  if (value.isNumber()) {
    *id = value.as<double>();
  } else if (value.isString()) {
    *id = value.as<std::string>();
  } else {
    return false;
  }
  return true;
}

// ids: a JS array of numbers/strings, or a Float64Array of numeric ids.
bool ReadIds(const val& array, std::vector<ItemId>* ids, std::string* error) {
  const size_t n = array["length"].as<size_t>();
  ids->clear();
  ids->reserve(n);
  if (array.instanceof(val::global("Float64Array"))) {
    std::vector<double> numbers(n);
    val(emscripten::typed_memory_view(n, numbers.data())).call<void>("set", array);
    ids->assign(numbers.begin(), numbers.end());
    return true;
  }
  for (size_t i = 0; i < n; ++i) {
    ItemId id;
    if (!ReadId(array[i], &id)) {
      *error = "id " + std::to_string(i) + " is neither a number nor a string";
      return false;
    }
    ids->push_back(std::move(id));
  }
  return true;
}

val IdToValue(const ItemId& id) {
  if (const double* number = std::get_if<double>(&id)) return val(*number);
  return val(std::get<std::string>(id));
}

// The scores are copied out (slice) before the C++ buffer dies.
val CopyOut(const float* data, size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

class IndexHandle {
 public:
  explicit IndexHandle(EmbeddingIndex index) : index_(std::move(index)) {}

  // Returns undefined on success, or an error object.
  val Add(const val& ids, const val& vectors) {
    std::vector<ItemId> parsed;
    std::string error;
    if (!ReadIds(ids, &parsed, &error)) return InvalidArgument(error);
    std::vector<float> floats = CopyFloats(vectors);
    Status status = index_.Add(parsed, floats.data(), floats.size());
    return status.ok() ? val::undefined() : ErrorValue(status);
  }

  val Remove(const val& ids) {
    std::vector<ItemId> parsed;
    std::string error;
    if (!ReadIds(ids, &parsed, &error)) return InvalidArgument(error);
    Status status = index_.Remove(parsed);
    return status.ok() ? val::undefined() : ErrorValue(status);
  }

  // {vector: Float32Array} or an error object.
  val Get(const val& id) const {
    ItemId parsed;
    if (!ReadId(id, &parsed)) return InvalidArgument("id is neither a number nor a string");
    auto vector = index_.Get(parsed);
    if (!vector.ok()) return ErrorValue(vector.status());
    val out = val::object();
    out.set("vector", CopyOut(vector.value().data(), vector.value().size()));
    return out;
  }

  bool Contains(const val& id) const {
    ItemId parsed;
    return ReadId(id, &parsed) && index_.Contains(parsed);
  }

  // {ids: flat array, scores: Float32Array, perQuery} or an error object. queries holds one
  // or more queries back to back; filter is undefined or an array of ids.
  val Search(const val& queries, int k, const val& filter, bool batch) const {
    std::vector<ItemId> filter_ids;
    std::string error;
    const bool filtered = !filter.isUndefined() && !filter.isNull();
    if (filtered && !ReadIds(filter, &filter_ids, &error)) return InvalidArgument("filter " + error);
    std::vector<float> floats = CopyFloats(queries);
    const std::vector<ItemId>* filter_ptr = filtered ? &filter_ids : nullptr;
    std::vector<Hits> hits;
    if (batch) {
      auto result = index_.SearchBatch(floats.data(), floats.size(), k, filter_ptr);
      if (!result.ok()) return ErrorValue(result.status());
      hits = std::move(result.value());
    } else {
      auto result = index_.Search(floats.data(), floats.size(), k, filter_ptr);
      if (!result.ok()) return ErrorValue(result.status());
      hits.push_back(std::move(result.value()));
    }
    std::vector<float> scores;
    val ids = val::array();
    size_t at = 0;
    for (const Hits& h : hits) {
      for (const ItemId& id : h.ids) ids.set(at++, IdToValue(id));
      scores.insert(scores.end(), h.scores.begin(), h.scores.end());
    }
    val out = val::object();
    out.set("ids", ids);
    out.set("scores", CopyOut(scores.data(), scores.size()));
    out.set("perQuery", hits.empty() ? 0 : hits.front().ids.size());
    return out;
  }

  val Serialize() const {
    std::vector<uint8_t> bytes = index_.Serialize();
    return val(emscripten::typed_memory_view(bytes.size(), bytes.data())).call<val>("slice");
  }

  size_t Size() const { return index_.size(); }
  size_t Dim() const { return index_.dim(); }
  int StorageType() const { return static_cast<int>(index_.options().storage); }
  size_t MemoryBytes() const { return index_.MemoryBytes(); }
  void Clear() { index_.Clear(); }

 private:
  EmbeddingIndex index_;
};

val Created(clipscope::Result<EmbeddingIndex> created) {
  if (!created.ok()) return ErrorValue(created.status());
  val out = val::object();
  out.set("index", val(IndexHandle(std::move(created.value()))));
  return out;
}

// {index} or an error object.
val CreateIndex(size_t dim, int storage, size_t rerank_pool) {
  clipscope::IndexOptions options;
  options.storage = static_cast<clipscope::Storage>(storage);
  options.rerank_pool = rerank_pool;
  return Created(EmbeddingIndex::Create(dim, options));
}

// bytes: a Uint8Array. {index} or an error object.
val DeserializeIndex(const val& bytes) {
  std::vector<uint8_t> data(bytes["length"].as<size_t>());
  val(emscripten::typed_memory_view(data.size(), data.data())).call<void>("set", bytes);
  return Created(EmbeddingIndex::Deserialize(data.data(), data.size()));
}

std::string KernelName() { return clipscope::simd::KernelName(); }

}  // namespace

EMSCRIPTEN_BINDINGS(clipscope) {
  emscripten::class_<IndexHandle>("EmbeddingIndex")
      .function("add", &IndexHandle::Add)
      .function("remove", &IndexHandle::Remove)
      .function("get", &IndexHandle::Get)
      .function("contains", &IndexHandle::Contains)
      .function("search", &IndexHandle::Search)
      .function("serialize", &IndexHandle::Serialize)
      .function("size", &IndexHandle::Size)
      .function("dim", &IndexHandle::Dim)
      .function("storage", &IndexHandle::StorageType)
      .function("memoryBytes", &IndexHandle::MemoryBytes)
      .function("clear", &IndexHandle::Clear);
  emscripten::function("createIndex", &CreateIndex);
  emscripten::function("deserializeIndex", &DeserializeIndex);
  emscripten::function("kernelName", &KernelName);
}
