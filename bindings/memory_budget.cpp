#include "memory_budget.h"

#include <emscripten/heap.h>
#include <malloc.h>

#include <cstdio>

#include "status.h"

namespace clipscope::bindings {

size_t HeapBytesInUse() { return size_t(mallinfo().uordblks); }

uint64_t FreeHeapBytes() {
  const uint64_t max = emscripten_get_heap_max();
  const uint64_t used = HeapBytesInUse();
  return max > used ? max - used : 0;
}

std::string Megabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / 1e6);
  return text;
}

val OutOfRoom(uint64_t growth, const std::string& what, const std::string& instead) {
  const uint64_t free = FreeHeapBytes();
  std::string message = "out of memory: " + what + " needs about " + Megabytes(growth) + " more; " +
                        Megabytes(free) + " of WebAssembly memory is free (of " +
                        Megabytes(emscripten_get_heap_max()) + ")";
  if (growth <= free) message += ", but not in one piece that large";
  if (!instead.empty()) message += ". " + instead;
  return ErrorValue(Status(ErrorCode::kOutOfMemory, message));
}

val CheckRoom(uint64_t growth, const std::string& what, const std::string& instead) {
  return growth <= FreeHeapBytes() ? val::undefined() : OutOfRoom(growth, what, instead);
}

}  // namespace clipscope::bindings
