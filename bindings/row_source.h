// Where clustering reads its rows, for every clustering binding alike: a Float32Array of
// n x dim values ({data, dim}), or the stored vectors of an index ({index, ids?}: all items in
// storage order, or those ids), read where they live.
#pragma once

#include <emscripten/val.h>

#include <vector>

#include "embedding_index.h"
#include "marshal.h"

namespace clipscope::bindings {

// The index behind an EmbeddingIndex handle (defined with the handle, index_bindings.cpp).
const EmbeddingIndex& IndexOfHandle(const val& handle);

struct Rows {
  const float* x = nullptr;  // n * d floats
  size_t n = 0, d = 0;
  bool from_index = false;
  std::vector<ItemId> ids;     // the item of every row (index sources)
  std::vector<float> storage;  // the copied array, or rows gathered from the index
};

// Reads a source; undefined, or an error value.
val ReadRows(const val& source, Rows* rows);

// The stored vectors of `ids` (undefined or null: every item, in storage order) of an index;
// undefined, or an error value.
val ReadIndexRows(const EmbeddingIndex& index, const val& ids, Rows* rows);

// The result with `ids` (the item of every row) when the rows came from an index; error values
// pass through unchanged.
val WithRowIds(val result, const Rows& rows);

}  // namespace clipscope::bindings
