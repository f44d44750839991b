#include "index_values.h"

#include "saved_pieces.h"

namespace clipscope::bindings {

val HitsValue(const std::vector<Hits>& hits) {
  std::vector<float> scores;
  std::vector<ItemId> ids;
  for (const Hits& h : hits) {
    ids.insert(ids.end(), h.ids.begin(), h.ids.end());
    scores.insert(scores.end(), h.scores.begin(), h.scores.end());
  }
  // Hits per query differ in count only when the index is smaller than k: the same for all.
  val out = val::object();
  out.set("ids", IdsToArray(ids));
  out.set("scores", CopyOut(scores.data(), scores.size()));
  out.set("perQuery", hits.empty() ? 0 : hits.front().ids.size());
  return out;
}

val GroupsValue(const Result<std::vector<std::vector<ItemId>>>& groups) {
  if (!groups.ok()) return ErrorValue(groups.status());
  val out = val::array();
  for (size_t g = 0; g < groups.value().size(); ++g) out.set(g, IdsToArray(groups.value()[g]));
  val result = val::object();
  result.set("groups", out);
  return result;
}

val VectorValue(const Result<std::vector<float>>& vector) {
  if (!vector.ok()) return ErrorValue(vector.status());
  val out = val::object();
  out.set("vector", CopyOut(vector.value().data(), vector.value().size()));
  return out;
}

val ReadFilter(const val& filter, std::vector<ItemId>* ids, bool* filtered) {
  *filtered = !filter.isUndefined() && !filter.isNull();
  std::string error;
  if (*filtered && !ReadIds(filter, ids, &error)) return InvalidArgument("filter " + error);
  return val::undefined();
}

}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_saved_pieces) {
  using clipscope::bindings::SaveCursorHandle;
  emscripten::class_<SaveCursorHandle>("SaveCursor")
      .function("next", &SaveCursorHandle::Next)
      .function("done", &SaveCursorHandle::Done);
}
