// Where clustering reads its rows, for every clustering binding alike: a Float32Array of
// n x dim values ({data, dim}), or the stored vectors of an index ({index, ids?} for the exact
// index, {approximate, ids?} for the approximate one: all items in storage order, or those
// ids), read where they live.
#pragma once

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "embedding_index.h"
#include "ivf_index.h"
#include "marshal.h"

namespace clipscope::bindings {

// The index behind an EmbeddingIndex handle (defined with the handle, index_bindings.cpp).
const EmbeddingIndex& IndexOfHandle(const val& handle);
// The index behind an ApproximateIndex handle (ivf_bindings.cpp).
const IvfIndex& IvfOfHandle(const val& handle);

struct Rows {
  const float* x = nullptr;  // n * d floats
  size_t n = 0, d = 0;
  bool from_index = false;
  std::vector<ItemId> ids;     // the item of every row (index sources)
  std::vector<float> storage;  // the copied array, or rows gathered from the index
};

// Reads a source; undefined, or an error value.
val ReadRows(const val& source, Rows* rows);

// The stored vectors of `ids` (undefined or null: every item, in storage order) of an index
// (EmbeddingIndex or IvfIndex); undefined, or an error value.
template <typename Index>
val ReadIndexRows(const Index& index, const val& ids, Rows* rows) {
  const bool some = !ids.isUndefined() && !ids.isNull();
  std::vector<ItemId> wanted;
  std::string error;
  if (some && !ReadIds(ids, &wanted, &error)) return InvalidArgument(error);
  auto x = index.Rows(some ? &wanted : nullptr, &rows->storage, &rows->ids);
  if (!x.ok()) return ErrorValue(x.status());
  rows->x = x.value(), rows->n = rows->ids.size(), rows->d = index.dim();
  rows->from_index = true;
  return val::undefined();
}

// The result with `ids` (the item of every row) when the rows came from an index; error values
// pass through unchanged.
val WithRowIds(val result, const Rows& rows);

// {ids, vectors}: an index's stored vectors copied out to JS (index.rows()), or an error value.
template <typename Index>
val RowsCopyOf(const Index& index, const val& ids) {
  Rows rows;
  if (val error = ReadIndexRows(index, ids, &rows); !error.isUndefined()) return error;
  val out = val::object();
  out.set("vectors", CopyOut(rows.x, rows.n * rows.d));  // the rows exist: no overflow
  return WithRowIds(out, rows);
}

}  // namespace clipscope::bindings
