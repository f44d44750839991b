// Moving values between JS and the core: typed arrays in one copy, ids, errors as values.
#pragma once

#include <emscripten/val.h>

#include <string>
#include <vector>

#include "item_id.h"
#include "status.h"

namespace clipscope::bindings {

using emscripten::val;

// {errorCode, message}: lib/common/errors.ts turns it into the matching JS error class.
val ErrorValue(const Status& status);
val InvalidArgument(const std::string& message);

// A number from JS that must be an integer in [min, max] (max < 2^53): stored in *out and
// undefined returned, or an InvalidArgument error value naming it and the range. Numbers cross
// as doubles so that nothing above 2^32 wraps into a small count on the way in.
val ReadCount(double value, const char* name, uint64_t min, uint64_t max, size_t* out);
val ReadInt(double value, const char* name, int64_t min, int64_t max, int64_t* out);

// A typed array's elements copied into core memory with one TypedArray.set (a memcpy).
template <typename T>
std::vector<T> CopyIn(const val& array) {
  std::vector<T> out(array["length"].as<size_t>());
  // The view is made after the allocation, so a memory growth cannot detach it.
  val(emscripten::typed_memory_view(out.size(), out.data())).call<void>("set", array);
  return out;
}

// A new JS typed array holding a copy of data[0..n): safe after the C++ buffer dies.
template <typename T>
val CopyOut(const T* data, size_t n) {
  return val(emscripten::typed_memory_view(n, data)).call<val>("slice");
}

// One id; false if it is neither a number nor a string.
bool ReadId(const val& value, ItemId* id);
// A JS array of ids, or a Float64Array of numeric ids.
bool ReadIds(const val& array, std::vector<ItemId>* ids, std::string* error);
val IdToValue(const ItemId& id);
val IdsToArray(const std::vector<ItemId>& ids);

}  // namespace clipscope::bindings
