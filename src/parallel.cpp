#include "parallel.h"

namespace clipscope {
namespace {
ShareRunner runner = nullptr;
int threads = 1;
// Whether this thread is running a share: a parallel loop inside one runs inline.
thread_local bool in_share = false;

struct Shares {
  ShareFn fn;
  void* context;
};

void RunMarked(void* context, size_t share) {
  const Shares& shares = *static_cast<const Shares*>(context);
  in_share = true;
  shares.fn(shares.context, share);
  in_share = false;
}
}  // namespace

void SetShareRunner(ShareRunner new_runner, int new_threads) {
  const bool parallel = new_runner != nullptr && new_threads > 1;
  runner = parallel ? new_runner : nullptr;
  threads = parallel ? new_threads : 1;
}

int WorkerThreads() { return in_share ? 1 : threads; }

void RunShares(ShareFn fn, void* context, size_t shares) {
  if (runner && !in_share) {
    Shares marked{fn, context};
    runner(&RunMarked, &marked, shares);
    return;
  }
  for (size_t s = 0; s < shares; ++s) fn(context, s);
}

}  // namespace clipscope
