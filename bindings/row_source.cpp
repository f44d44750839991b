#include "row_source.h"

#include <string>

#include "size_limits.h"

namespace clipscope::bindings {

val ReadIndexRows(const EmbeddingIndex& index, const val& ids, Rows* rows) {
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

val ReadRows(const val& source, Rows* rows) {
  if (!source["index"].isUndefined()) {
    return ReadIndexRows(IndexOfHandle(source["index"]), source["ids"], rows);
  }
  size_t dim = 0;
  if (val e = ReadCount(source["dim"].as<double>(), "dim", 1, kMaxDim, &dim); !e.isUndefined()) {
    return e;
  }
  rows->storage = CopyIn<float>(source["data"]);
  if (rows->storage.size() % dim != 0) {
    return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                             "data has " + std::to_string(rows->storage.size()) +
                                 " values, not a multiple of dim = " + std::to_string(dim)));
  }
  rows->x = rows->storage.data(), rows->n = rows->storage.size() / dim, rows->d = dim;
  return val::undefined();
}

val WithRowIds(val result, const Rows& rows) {
  if (rows.from_index && result["errorCode"].isUndefined()) result.set("ids", IdsToArray(rows.ids));
  return result;
}

}  // namespace clipscope::bindings
