#include "guard.h"

#include <cstdlib>

namespace {

size_t last_failed_allocation = 0;

void* Allocate(size_t bytes) {
  if (void* p = std::malloc(bytes ? bytes : 1)) return p;
  last_failed_allocation = bytes;
  throw std::bad_alloc();
}

}  // namespace

// Replacing the global allocation functions is how the failing size reaches the error message;
// malloc returns null (memory growth refused) instead of aborting the module.
void* operator new(size_t bytes) { return Allocate(bytes); }
void* operator new[](size_t bytes) { return Allocate(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace clipscope::bindings {

size_t LastFailedAllocationBytes() { return last_failed_allocation; }

val OutOfMemory(const std::string& detail) {
  return ErrorValue(Status(ErrorCode::kOutOfMemory, "out of memory: " + detail));
}

}  // namespace clipscope::bindings
