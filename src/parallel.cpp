#include "parallel.h"

namespace clipscope {
namespace {
ShareRunner runner = nullptr;
int threads = 1;
}  // namespace

void SetShareRunner(ShareRunner new_runner, int new_threads) {
  const bool parallel = new_runner != nullptr && new_threads > 1;
  runner = parallel ? new_runner : nullptr;
  threads = parallel ? new_threads : 1;
}

int WorkerThreads() { return threads; }

void RunShares(ShareFn fn, void* context, size_t shares) {
  if (runner) {
    runner(fn, context, shares);
    return;
  }
  for (size_t s = 0; s < shares; ++s) fn(context, s);
}

}  // namespace clipscope
