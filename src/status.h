// Errors in the core are values: every fallible call returns a Status (or a Result<T>)
// whose message states the offending numbers, so callers in any language can report them.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace clipscope {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,     // a parameter is out of its documented range (k <= 0, dim == 0, ...)
  kDimensionMismatch,   // a vector's length does not match the index dimension
  kNotFinite,           // NaN or Inf in an input vector
  kZeroVector,          // a vector of norm 0 cannot be normalised
  kDuplicateId,         // an id is already stored (or repeated within one batch)
  kUnknownId,           // an id is not stored
  kEmptyIndex,          // a search on an index with no vectors
  kCorruptData,         // serialized bytes fail a structural or checksum test
  kUnsupportedVersion,  // serialized bytes come from a format version this build cannot read
  kOutOfMemory,         // an allocation failed (WASM memory is at most 4 GB)
};

// Stable names used by the bindings to pick the matching JS error class.
const char* ErrorCodeName(ErrorCode code);

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Status status) : state_(std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const { return std::get<Status>(state_); }
  T& value() { return std::get<T>(state_); }
  const T& value() const { return std::get<T>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace clipscope
