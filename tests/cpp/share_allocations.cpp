#include "share_allocations.h"

#include <atomic>
#include <cstdlib>
#include <new>

// Not under AddressSanitizer, whose own operator new checks that new and delete match.
#if !defined(__SANITIZE_ADDRESS__)
#define CLIPSCOPE_REPLACE_NEW 1
#endif

namespace clipscope::testing {

thread_local bool running_share = false;
namespace {
// Counts only where operator new is replaced (below).
std::atomic<size_t> allocations_in_shares{0};

#ifdef CLIPSCOPE_REPLACE_NEW
void* Allocate(std::size_t bytes) {
  if (running_share) allocations_in_shares.fetch_add(1);
  if (void* p = std::malloc(bytes ? bytes : 1)) return p;
  throw std::bad_alloc();
}
#endif
}  // namespace

size_t AllocationsInShares() { return allocations_in_shares.load(); }

}  // namespace clipscope::testing

#ifdef CLIPSCOPE_REPLACE_NEW
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
