// What the two index handles (index_bindings.cpp, ivf_bindings.cpp) share: hits, groups and
// vectors as JS values, the search filter read from JS, an add checked against the memory left,
// and a new handle wrapped with its measured heap bytes.
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <utility>
#include <vector>

#include "embedding_index.h"
#include "marshal.h"
#include "memory_budget.h"

namespace clipscope::bindings {

// {ids: flat array, scores: Float32Array, perQuery}: every query's hits back to back.
val HitsValue(const std::vector<Hits>& hits);

// {groups: id[][]} or the error value.
val GroupsValue(const Result<std::vector<std::vector<ItemId>>>& groups);

// {vector: Float32Array} or the error value.
val VectorValue(const Result<std::vector<float>>& vector);

// The optional filter (undefined, null or an array of ids) into *ids; *filtered says whether
// one was given. Undefined, or an InvalidArgument error value.
val ReadFilter(const val& filter, std::vector<ItemId>* ids, bool* filtered);

// Adds to `index` (EmbeddingIndex or IvfIndex) under `meter`: refused up front when its peak
// need is more than is free, and reported the same way when its allocation fails anyway;
// `adding` and `instead` word the message (memory_budget.h).
template <typename Index>
val AddWithinRoom(Index& index, HeapMeter& meter, const std::vector<ItemId>& ids,
                  const std::vector<float>& floats, const std::string& adding,
                  const std::string& instead) {
  const uint64_t growth = index.PeakBytesToAdd(ids.size());
  if (val full = CheckRoom(growth, adding, instead); !full.isUndefined()) return full;
  Status status = meter.Track([&] { return index.Add(ids, floats.data(), floats.size()); });
  if (status.code() == ErrorCode::kOutOfMemory) return OutOfRoom(growth, adding, instead);
  return status.ok() ? val::undefined() : ErrorValue(status);
}

// {index: a Handle around the created index} or its error value. `held`: the heap bytes the
// index holds (measured while it was made); the handle Embind allocates is counted too.
template <typename Handle, typename Index>
val Created(Result<Index> created, int64_t held) {
  if (!created.ok()) return ErrorValue(created.status());
  const int64_t before = int64_t(HeapBytesInUse());
  val object(Handle(std::move(created.value())));
  object.as<Handle*>(emscripten::allow_raw_pointers())
      ->meter()
      .Add(held + int64_t(HeapBytesInUse()) - before);
  val out = val::object();
  out.set("index", object);
  return out;
}

}  // namespace clipscope::bindings
