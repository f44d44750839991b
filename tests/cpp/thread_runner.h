// Runs the core's parallel shares on real threads in tests, as the WASM build's Worker pool
// does: every thread takes the next share until none is left. Installed for a scope.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "parallel.h"
#include "share_allocations.h"

namespace clipscope::testing {

class ScopedThreads {
 public:
  explicit ScopedThreads(int threads) : allocations_(AllocationsInShares()) {
    SetShareRunner(&Run, threads);
  }
  // Fails the test if a share allocated (it could not on a WebAssembly helper thread).
  ~ScopedThreads() {
    SetShareRunner(nullptr, 1);
    EXPECT_EQ(AllocationsInShares(), allocations_) << "a parallel share allocated memory";
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  size_t allocations_;
  static void Run(ShareFn fn, void* context, size_t shares) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t s; (s = next.fetch_add(1)) < shares;) {
        running_share = true;
        fn(context, s);
        running_share = false;
      }
    };
    std::vector<std::thread> helpers;
    for (int t = 1; t < WorkerThreads(); ++t) helpers.emplace_back(work);
    work();
    for (std::thread& helper : helpers) helper.join();
  }
};

}  // namespace clipscope::testing
