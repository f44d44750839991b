#include "marshal.h"

#include <cmath>

namespace clipscope::bindings {

val ErrorValue(const Status& status) {
  val error = val::object();
  error.set("errorCode", std::string(ErrorCodeName(status.code())));
  error.set("message", status.message());
  return error;
}

val InvalidArgument(const std::string& message) {
  return ErrorValue(Status(ErrorCode::kInvalidArgument, message));
}

val ReadInt(double value, const char* name, int64_t min, int64_t max, int64_t* out) {
  // Range first: converting a double outside int64's range is undefined.
  const bool in_range = value >= double(min) && value <= double(max);
  if (in_range && value == std::trunc(value)) {
    *out = int64_t(value);
    return val::undefined();
  }
  std::string got = value != value ? "NaN" : std::to_string(value);
  if (std::abs(value) < 9.007199254740992e15 && value == std::trunc(value)) {
    got = std::to_string(int64_t(value));
  }
  return InvalidArgument(std::string(name) + " must be an integer from " + std::to_string(min) +
                         " to " + std::to_string(max) + ", got " + got);
}

val ReadCount(double value, const char* name, uint64_t min, uint64_t max, size_t* out) {
  int64_t parsed = 0;
  val error = ReadInt(value, name, int64_t(min), int64_t(max), &parsed);
  if (error.isUndefined()) *out = size_t(parsed);
  return error;
}

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

bool ReadIds(const val& array, std::vector<ItemId>* ids, std::string* error) {
  ids->clear();
  if (array.instanceof (val::global("Float64Array"))) {
    std::vector<double> numbers = CopyIn<double>(array);
    ids->assign(numbers.begin(), numbers.end());
    return true;
  }
  const size_t n = array["length"].as<size_t>();
  ids->reserve(n);
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

val IdsToArray(const std::vector<ItemId>& ids) {
  val out = val::array();
  for (size_t i = 0; i < ids.size(); ++i) out.set(i, IdToValue(ids[i]));
  return out;
}

}  // namespace clipscope::bindings
