#include "parallel.h"

namespace clipscope {
namespace {
ShareRunner runner = nullptr;
ShareStarter starter = nullptr;
ShareFinisher finisher = nullptr;
int threads = 1;
bool started = false;  // a started job not finished yet
// Whether this thread is running a share: a parallel loop inside one runs inline.
thread_local bool in_share = false;

struct Shares {
  ShareFn fn;
  void* context;
  size_t first = 0;  // the first share of this call (RunShares cuts long jobs into calls)
};
Shares started_shares;  // the started job's, read by its shares until it finishes

void RunMarked(void* context, size_t share) {
  const Shares& shares = *static_cast<const Shares*>(context);
  in_share = true;
  shares.fn(shares.context, shares.first + share);
  in_share = false;
}
}  // namespace

void SetShareRunner(ShareRunner new_runner, int new_threads) {
  FinishShares();
  const bool parallel = new_runner != nullptr && new_threads > 1;
  runner = parallel ? new_runner : nullptr;
  threads = parallel ? new_threads : 1;
}

int WorkerThreads() { return in_share ? 1 : threads; }

void RunShares(ShareFn fn, void* context, size_t shares) {
  if (started && !in_share) FinishShares();
  if (runner && !in_share) {
    for (size_t first = 0; first < shares; first += kMaxSharesPerRun) {
      Shares marked{fn, context, first};
      runner(&RunMarked, &marked, std::min(kMaxSharesPerRun, shares - first));
    }
    return;
  }
  for (size_t s = 0; s < shares; ++s) fn(context, s);
}

std::vector<size_t> CutByCost(const std::vector<uint64_t>& cost, size_t ranges) {
  ranges = std::max<size_t>(ranges, 1);
  uint64_t total = 0;
  for (uint64_t c : cost) total += c;
  std::vector<size_t> starts(ranges + 1, cost.size());
  starts[0] = 0;
  // Range r starts after the item where the running cost reaches r / ranges of the total
  // (128-bit free: costs here are sums of sizes far below 2^57).
  uint64_t done = 0;
  size_t range = 1;
  for (size_t i = 0; i < cost.size() && range < ranges; ++i) {
    done += cost[i];
    while (range < ranges && done * ranges >= total * range) starts[range++] = i + 1;
  }
  return starts;
}

void SetShareStarter(ShareStarter new_starter, ShareFinisher new_finisher) {
  FinishShares();
  starter = new_starter, finisher = new_finisher;
}

void StartShares(ShareFn fn, void* context, size_t shares) {
  if (started && !in_share) FinishShares();
  if (!runner || !starter || in_share || shares > kMaxSharesPerRun) {
    RunShares(fn, context, shares);  // more than one call's shares: all of them now
    return;
  }
  started_shares = {fn, context};
  started = true;
  starter(&RunMarked, &started_shares, shares);
}

void FinishShares() {
  if (!started || in_share) return;
  started = false;
  finisher();
}

void FinishSharesOf(const void* context) {
  if (started && started_shares.context == context) FinishShares();
}

}  // namespace clipscope
