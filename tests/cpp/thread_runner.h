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
  explicit ScopedThreads(int threads)
      : allocations_(AllocationsInShares()), shares_before_(Counter().load()) {
    SetShareRunner(&Run, threads);
    SetShareStarter(&Start, &Finish);
  }
  // Fails the test if a share allocated (it could not on a WebAssembly helper thread).
  ~ScopedThreads() {
    SetShareStarter(nullptr, nullptr);
    SetShareRunner(nullptr, 1);
    EXPECT_EQ(AllocationsInShares(), allocations_) << "a parallel share allocated memory";
  }
  // Shares run since this scope began (on any thread): whether work was split.
  size_t SharesRun() const { return Counter().load() - shares_before_; }

  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  size_t allocations_, shares_before_;
  static std::atomic<size_t>& Counter() {
    static std::atomic<size_t> shares{0};
    return shares;
  }
  // Every thread takes the next share until none is left.
  struct Job {
    ShareFn fn = nullptr;
    void* context = nullptr;
    size_t shares = 0;
    std::atomic<size_t> next{0};
    void Work() {
      for (size_t s; (s = next.fetch_add(1)) < shares;) {
        running_share = true;
        Counter().fetch_add(1);
        fn(context, s);
        running_share = false;
      }
    }
  };
  static Job& Started() {
    static Job job;
    return job;
  }
  static std::vector<std::thread>& Helpers() {
    static std::vector<std::thread> helpers;
    return helpers;
  }
  static void Run(ShareFn fn, void* context, size_t shares) {
    Start(fn, context, shares);
    Finish();
  }
  // The helpers start on the job; the caller goes on until Finish.
  static void Start(ShareFn fn, void* context, size_t shares) {
    Job& job = Started();
    job.fn = fn, job.context = context, job.shares = shares, job.next = 0;
    for (int t = 1; t < WorkerThreads(); ++t) Helpers().emplace_back([&job] { job.Work(); });
  }
  static void Finish() {
    Started().Work();
    for (std::thread& helper : Helpers()) helper.join();
    Helpers().clear();
  }
};

}  // namespace clipscope::testing
