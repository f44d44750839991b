#include "row_source.h"

#include <string>

#include "size_limits.h"

namespace clipscope::bindings {

val ReadRows(const val& source, Rows* rows) {
  if (!source["index"].isUndefined()) {
    return ReadIndexRows(IndexOfHandle(source["index"]), source["ids"], rows);
  }
  if (!source["approximate"].isUndefined()) {
    return ReadIndexRows(IvfOfHandle(source["approximate"]), source["ids"], rows);
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
