// Embind bindings of the approximate (inverted-file) index, shaped like the exact index's
// (index_bindings.cpp): marshal JS values, call the core, return errors as values. No DOM here.
#include <emscripten/bind.h>

#include <algorithm>
#include <string>
#include <vector>

#include "guard.h"
#include "index_loaders.h"
#include "index_values.h"
#include "ivf_index.h"
#include "marshal.h"
#include "memory_budget.h"
#include "row_source.h"
#include "saved_pieces.h"
#include "size_limits.h"

namespace clipscope::bindings {
namespace {

class IvfHandle {
 public:
  explicit IvfHandle(IvfIndex index) : index_(std::move(index)) {}

  val Add(const val& ids, const val& vectors) {
    return Guarded([&] {
      std::vector<ItemId> parsed;
      std::string error;
      if (!ReadIds(ids, &parsed, &error)) return InvalidArgument(error);
      std::vector<float> floats = CopyIn<float>(vectors);
      const std::string adding = "adding " + std::to_string(parsed.size()) + " vectors of " +
                                 std::to_string(index_.dim()) +
                                 " dims to an approximate index of " +
                                 std::to_string(index_.size());
      const std::string instead =
          index_.options().keep_floats
              ? "Without exactScores (no float32 copies) they take about " +
                    Megabytes((uint64_t(index_.size()) + parsed.size()) * (index_.dim() + 40))
              : "";
      return AddWithinRoom(index_, meter_, parsed, floats, adding, instead);
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

  val Get(const val& id) const {
    return Guarded([&] {
      ItemId parsed;
      if (!ReadId(id, &parsed)) return InvalidArgument("id is neither a number nor a string");
      return VectorValue(index_.Get(parsed));
    });
  }

  bool Contains(const val& id) const {
    ItemId parsed;
    return ReadId(id, &parsed) && index_.Contains(parsed);
  }

  val Train() {
    return Guarded([&] {
      Status status = meter_.Track([&] { return index_.Train(); });
      return status.ok() ? val::undefined() : ErrorValue(status);
    });
  }

  // {ids, scores, perQuery} or an error value; queries back to back, filter undefined or ids.
  val Search(const val& queries, double k_in, double nprobe_in, const val& filter) const {
    return Guarded([&] {
      size_t k = 0, nprobe = 0;
      if (val e = ReadCount(k_in, "k", 1, kMaxSearchK, &k); !e.isUndefined()) return e;
      if (val e = ReadCount(nprobe_in, "nprobe", 0, IvfIndex::kMaxLists, &nprobe); !e.isUndefined())
        return e;
      std::vector<ItemId> filter_ids;
      bool filtered = false;
      if (val e = ReadFilter(filter, &filter_ids, &filtered); !e.isUndefined()) return e;
      std::vector<float> floats = CopyIn<float>(queries);
      auto hits = index_.SearchBatch(floats.data(), floats.size(), int(k), nprobe,
                                     filtered ? &filter_ids : nullptr);
      return hits.ok() ? HitsValue(hits.value()) : ErrorValue(hits.status());
    });
  }

  val Serialize() const {
    return Guarded([&] {
      std::vector<uint8_t> bytes = index_.Serialize();
      return CopyOut(bytes.data(), bytes.size());
    });
  }
  SaveCursorHandle BeginSave() const { return SaveCursorHandle(index_.BeginSave()); }

  // {size, dim, lists, nprobe, trained, trainedSize, keepFloats, memoryBytes}
  val Info() const {
    val out = val::object();
    out.set("size", double(index_.size()));
    out.set("dim", double(index_.dim()));
    out.set("lists", double(index_.lists()));
    out.set("nprobe", double(index_.default_nprobe()));
    out.set("trained", index_.trained());
    out.set("trainedSize", double(index_.trained_size()));
    out.set("keepFloats", index_.options().keep_floats);
    out.set("memoryBytes", meter_.bytes());  // measured (memory_budget.h)
    return out;
  }

  // {ids, vectors} of list l, or an error value.
  val ListRows(double l_in) const {
    return Guarded([&] {
      size_t l = 0;
      if (val e = ReadCount(l_in, "list", 0, index_.lists() - 1, &l); !e.isUndefined()) return e;
      std::vector<ItemId> ids;
      std::vector<float> vectors;
      index_.ListRows(l, &ids, &vectors);
      val out = val::object();
      out.set("ids", IdsToArray(ids));
      out.set("vectors", CopyOut(vectors.data(), vectors.size()));
      return out;
    });
  }

  // {ids, vectors} of the items `ids` (undefined: all), or an error value.
  val RowsCopy(const val& ids) const {
    return Guarded([&] { return RowsCopyOf(index_, ids); });
  }

  // Adds every vector of an exact index, oldest first, a block at a time (so that only a
  // block's rows are ever copied); undefined, or the error of the block that failed (the
  // blocks before it stay added: the caller discards this index then).
  val AddFromIndex(const val& handle) {
    return Guarded([&] {
      const EmbeddingIndex& from = IndexOfHandle(handle);
      if (from.dim() != index_.dim()) {
        return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                                 "the exact index has " + std::to_string(from.dim()) +
                                     " dims, this one " + std::to_string(index_.dim())));
      }
      const std::vector<ItemId> all = from.IdsInInsertionOrder();
      constexpr size_t kBlock = 4096;
      std::vector<ItemId> block, row_ids;
      std::vector<float> scratch;
      const std::string adding =
          "copying " + std::to_string(all.size()) + " vectors into an approximate index";
      for (size_t start = 0; start < all.size(); start += kBlock) {
        block.assign(all.begin() + start, all.begin() + std::min(all.size(), start + kBlock));
        auto rows = from.Rows(&block, &scratch, &row_ids);
        if (!rows.ok()) return ErrorValue(rows.status());
        val error = AddWithinRoom(index_, meter_, block, scratch, adding, "");
        if (!error.isUndefined()) return error;
      }
      return val::undefined();
    });
  }

  const IvfIndex& index() const { return index_; }

  // {groups: id[][]} or an error value.
  val NearDuplicates(float threshold) const {
    return Guarded([&] { return GroupsValue(index_.NearDuplicates(threshold)); });
  }

  val Centroids() const { return CopyOut(index_.centroids().data(), index_.centroids().size()); }

  void Clear() {
    meter_.Track([&] {
      index_.Clear();
      return 0;
    });
  }
  HeapMeter& meter() { return meter_; }

 private:
  IvfIndex index_;
  HeapMeter meter_;
};

// {index} or an error value.
val CreateIvfIndex(double dim_in, double lists_in, double nprobe_in, bool keep_floats,
                   double rerank_pool_in, double seed_in) {
  return Guarded([&] {
    size_t dim = 0, lists = 0, nprobe = 0, pool = 0, seed = 0;
    if (val e = ReadCount(dim_in, "dimension", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(lists_in, "lists", 0, IvfIndex::kMaxLists, &lists); !e.isUndefined())
      return e;
    if (val e = ReadCount(nprobe_in, "nprobe", 0, IvfIndex::kMaxLists, &nprobe); !e.isUndefined())
      return e;
    if (val e = ReadCount(rerank_pool_in, "rerankPool", 0, kMaxRerankPool, &pool); !e.isUndefined())
      return e;
    if (val e = ReadCount(seed_in, "seed", 0, UINT32_MAX, &seed); !e.isUndefined()) return e;
    IvfOptions options{lists, nprobe, keep_floats, pool, seed};
    const int64_t before = int64_t(HeapBytesInUse());
    auto created = IvfIndex::Create(dim, options);
    return Created<IvfHandle>(std::move(created), int64_t(HeapBytesInUse()) - before);
  });
}

val DeserializeIvfIndex(const val& bytes) {
  return Guarded([&] {
    std::vector<uint8_t> data = CopyIn<uint8_t>(bytes);
    const int64_t before = int64_t(HeapBytesInUse());
    auto loaded = IvfIndex::Deserialize(data.data(), data.size());
    return Created<IvfHandle>(std::move(loaded), int64_t(HeapBytesInUse()) - before);
  });
}

}  // namespace

const IvfIndex& IvfOfHandle(const val& handle) {
  return handle.as<IvfHandle*>(emscripten::allow_raw_pointers())->index();
}

}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_ivf) {
  using namespace clipscope::bindings;
  emscripten::class_<IvfHandle>("IvfIndex")
      .function("add", &IvfHandle::Add)
      .function("remove", &IvfHandle::Remove)
      .function("get", &IvfHandle::Get)
      .function("contains", &IvfHandle::Contains)
      .function("train", &IvfHandle::Train)
      .function("search", &IvfHandle::Search)
      .function("serialize", &IvfHandle::Serialize)
      .function("beginSave", &IvfHandle::BeginSave)
      .function("info", &IvfHandle::Info)
      .function("listRows", &IvfHandle::ListRows)
      .function("rows", &IvfHandle::RowsCopy)
      .function("addFromIndex", &IvfHandle::AddFromIndex)
      .function("centroids", &IvfHandle::Centroids)
      .function("nearDuplicates", &IvfHandle::NearDuplicates)
      .function("clear", &IvfHandle::Clear);
  emscripten::function("createIvfIndex", &CreateIvfIndex);
  emscripten::function("deserializeIvfIndex", &DeserializeIvfIndex);
  using IvfLoader = PieceLoaderHandle<clipscope::IvfIndex, IvfHandle>;
  emscripten::class_<IvfLoader>("IvfLoader")
      .constructor<double>()
      .function("feed", &IvfLoader::Feed)
      .function("finish", &IvfLoader::Finish);
}
