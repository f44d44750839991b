#include "share_allocations.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace clipscope::testing {

thread_local bool running_share = false;
namespace {
// Counts only where operator new is replaced (below).
std::atomic<size_t> allocations_in_shares{0};

void* Allocate(std::size_t bytes) {
  if (running_share) allocations_in_shares.fetch_add(1);
  if (void* p = std::malloc(bytes ? bytes : 1)) return p;
  throw std::bad_alloc();
}
}  // namespace

size_t AllocationsInShares() { return allocations_in_shares.load(); }

}  // namespace clipscope::testing

// Not under AddressSanitizer, whose own operator new checks that new and delete match.
#if !defined(__SANITIZE_ADDRESS__)
void* operator new(std::size_t bytes) { return clipscope::testing::Allocate(bytes); }
void* operator new[](std::size_t bytes) { return clipscope::testing::Allocate(bytes); }
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept {
  try {
    return clipscope::testing::Allocate(bytes);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t bytes, const std::nothrow_t& tag) noexcept {
  return operator new(bytes, tag);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif
