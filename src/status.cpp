#include "status.h"

namespace clipscope {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "Ok";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kDimensionMismatch:
      return "DimensionMismatch";
    case ErrorCode::kNotFinite:
      return "NotFinite";
    case ErrorCode::kZeroVector:
      return "ZeroVector";
    case ErrorCode::kDuplicateId:
      return "DuplicateId";
    case ErrorCode::kUnknownId:
      return "UnknownId";
    case ErrorCode::kEmptyIndex:
      return "EmptyIndex";
    case ErrorCode::kCorruptData:
      return "CorruptData";
    case ErrorCode::kUnsupportedVersion:
      return "UnsupportedVersion";
    case ErrorCode::kOutOfMemory:
      return "OutOfMemory";
  }
  return "Unknown";
}

}  // namespace clipscope
