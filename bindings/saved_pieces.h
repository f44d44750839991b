// Saving and loading an index in pieces from JS (the core's save_cursor.h and
// index_loaders.h): a save cursor hands out bounded pieces one call at a time, so the caller can
// await each write; a loader takes pieces as they are read and makes the index handle at the end,
// with the heap bytes it holds measured across every piece.
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "guard.h"
#include "index_values.h"
#include "marshal.h"
#include "memory_budget.h"
#include "save_cursor.h"
#include "size_limits.h"

namespace clipscope::bindings {

class SaveCursorHandle {
 public:
  explicit SaveCursorHandle(SaveCursor cursor) : cursor_(std::move(cursor)) {}
  // The next piece (a Uint8Array; empty once done) of about max_bytes, or an error value.
  val Next(double max_bytes_in) {
    return Guarded([&] {
      size_t max_bytes = 0;
      if (val e = ReadCount(max_bytes_in, "pieceBytes", 1, kMaxPieceBytes, &max_bytes);
          !e.isUndefined())
        return e;
      Result<std::vector<uint8_t>> piece = cursor_.Next(max_bytes);
      if (!piece.ok()) return ErrorValue(piece.status());
      return CopyOut(piece.value().data(), piece.value().size());
    });
  }
  bool Done() const { return cursor_.done(); }

  // Pieces are at most this large (plus one record): no buffer on either side holds more.
  static constexpr size_t kMaxPieceBytes = size_t(64) << 20;

 private:
  SaveCursor cursor_;
};

template <typename Index, typename Handle>
class PieceLoaderHandle {
 public:
  // total_size: the bytes that will be fed, when known (0: unknown).
  explicit PieceLoaderHandle(double total_size)
      : loader_(total_size >= 0 && total_size < 9007199254740992.0 ? uint64_t(total_size) : 0) {}

  // Undefined, or the error value of the first problem found (the loader then refuses more).
  val Feed(const val& bytes) {
    return Guarded([&] {
      std::vector<uint8_t> data = CopyIn<uint8_t>(bytes);
      Status fed = meter_.Track([&] { return loader_.Feed(data.data(), data.size()); });
      return fed.ok() ? val::undefined() : ErrorValue(fed);
    });
  }

  // {index} once every byte has been fed, or an error value.
  val Finish() {
    return Guarded([&] {
      Result<Index> loaded = meter_.Track([&] { return loader_.Finish(); });
      return Created<Handle>(std::move(loaded), meter_.held());
    });
  }

 private:
  typename Index::Loader loader_;
  HeapMeter meter_;
};

}  // namespace clipscope::bindings
