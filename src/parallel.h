// Work cut into shares that may run on several threads. The core never starts a thread: whoever
// embeds it installs a runner (the WASM build's pool of Workers, a test's std::threads);
// without one every share runs here, in order. Each share writes only its own outputs, so
// results are the same bit for bit whatever the number of threads.
//
// A share must not allocate memory or throw: in WebAssembly it may run on a helper thread that
// shares the memory but has no heap lock or exception state of its own. Allocate first, then
// run the shares. And a share takes what its loops read as values (capture by copy, pass to a
// function): references to the caller's locals point into the caller's stack, whose cache
// lines the caller keeps writing while it runs its own share (1.5x slower each, measured).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace clipscope {

using ShareFn = void (*)(void* context, size_t share);
// Runs fn(context, s) for every s in [0, shares) and returns when all have finished.
using ShareRunner = void (*)(ShareFn fn, void* context, size_t shares);

// Shares a runner is handed at most in one call (the WASM pool's ticket holds a share's number in
// 12 bits): RunShares hands out more as several calls, one after the other.
inline constexpr size_t kMaxSharesPerRun = 4095;

// Installs a runner for `threads` threads (nullptr and 1: every share runs on the caller).
void SetShareRunner(ShareRunner runner, int threads);
// Threads a parallel loop started here would use: 1 inside a share (nested loops run inline).
int WorkerThreads();
void RunShares(ShareFn fn, void* context, size_t shares);

// An embedder whose other threads can take shares while this one goes on with something else
// (the WASM pool) also installs these: start hands [0, shares) out and returns at once, finish
// takes part in what is left and returns when every share is done.
using ShareStarter = void (*)(ShareFn fn, void* context, size_t shares);
using ShareFinisher = void (*)();
void SetShareStarter(ShareStarter start, ShareFinisher finish);
// Hands shares to the other threads and returns: the caller may work meanwhile (JavaScript
// copying the next images in) as long as it neither writes what the shares read nor reads
// what they write. Without a starter or threads, runs them all here first. One started job
// at a time: FinishShares() follows (another parallel loop, or start, finishes it first).
void StartShares(ShareFn fn, void* context, size_t shares);
void FinishShares();
// Finishes the started job only if it is the one of `context` (else it is already done).
void FinishSharesOf(const void* context);

// Rows per parallel share when each row costs about `work_per_row` multiply-adds (or values
// read): about 2^18 per share, enough that handing it to a helper thread costs little.
inline size_t RowsPerShare(size_t work_per_row) {
  return std::max<size_t>(16, (size_t(1) << 18) / (work_per_row + 1));
}

// How many ranges ForRanges cuts `items` into: one per thread, none smaller than `grain`
// items (on one thread, one). For scratch that each range needs its own of.
inline size_t RangesFor(size_t items, size_t grain) {
  grain = std::max<size_t>(grain, 1);
  return std::max<size_t>(1, std::min((items + grain - 1) / grain, size_t(WorkerThreads())));
}

// Calls body(share) for every share in [0, shares) (on this thread alone when one).
template <class Body>
void ForEachShare(size_t shares, const Body& body) {
  if (shares <= 1) {
    if (shares == 1) body(size_t(0));
    return;
  }
  RunShares([](void* context, size_t share) { (*static_cast<const Body*>(context))(share); },
            const_cast<Body*>(&body), shares);
}

// Marks shares done and runs what must follow them one at a time in the order of the shares:
// share s's turn comes once it is done and every earlier share has had its turn.
class InOrderTurns {
 public:
  explicit InOrderTurns(size_t shares) : done_(shares) {}

  // Marks share s done and runs in_order(t) for every share t whose turn has come, unless
  // another thread is running turns: that thread looks again once it has stopped, so it takes
  // this one too.
  template <class InOrder>
  void Done(size_t s, const InOrder& in_order) {
    done_[s].store(true);
    for (;;) {
      if (running_.exchange(true)) return;
      size_t t = next_;
      while (t < done_.size() && done_[t].load()) in_order(t++);
      next_ = t;
      running_.store(false);
      if (t == done_.size() || !done_[t].load()) return;
    }
  }

 private:
  std::vector<std::atomic<bool>> done_;
  std::atomic<bool> running_{false};
  size_t next_ = 0;  // the next turn: read and written only by the thread that set running_
};

// Calls body(s) for every share s in [0, shares), and in_order(s) for each in the order of s, one
// at a time, each once body(s) has returned, on whichever thread finds its turn has come: work
// that must follow one order (sums in row order) runs beside the bodies of later shares instead
// of after them all. On one thread: body(0), in_order(0), body(1), in_order(1), ...
template <class Body, class InOrder>
void ForEachShareThenInOrder(size_t shares, const Body& body, const InOrder& in_order) {
  if (WorkerThreads() == 1) {
    for (size_t s = 0; s < shares; ++s) body(s), in_order(s);
    return;
  }
  const auto turns = std::make_unique<InOrderTurns>(shares);
  InOrderTurns* const t = turns.get();
  ForEachShare(shares, [t, &body, &in_order](size_t s) {
    body(s);
    t->Done(s, in_order);
  });
}

// Scratch for parallel shares, one per thread that can run a share at a time: a share borrows
// one that no running share holds, so a loop of many shares needs no more scratch than threads.
template <class T>
class ScratchSlots {
 public:
  // One slot per item (make WorkerThreads() of them).
  explicit ScratchSlots(std::vector<T> items) : items_(std::move(items)), taken_(items_.size()) {}
  // `slots` copies of `item`.
  ScratchSlots(size_t slots, const T& item) : ScratchSlots(std::vector<T>(slots, item)) {}

  // Calls fn(&item) with a slot's item that no other share holds meanwhile.
  template <class Fn>
  void With(const Fn& fn) {
    for (size_t i = 0;; i = (i + 1) % items_.size()) {
      if (taken_[i].exchange(true)) continue;
      fn(&items_[i]);
      taken_[i].store(false);
      return;
    }
  }

 private:
  std::vector<T> items_;
  std::vector<std::atomic<bool>> taken_;
};

// Where range `range` of `ranges` ranges of about as many items each that cover [0, items)
// begins (and, for range + 1, ends).
inline size_t RangeStart(size_t items, size_t ranges, size_t range) {
  return size_t(uint64_t(items) * range / ranges);
}

// Calls body(range, begin, end) for each of `ranges` ranges of about as many items each that
// cover [0, items), as parallel shares.
template <class Body>
void ForEachOfEqualRanges(size_t items, size_t ranges, const Body& body) {
  if (items == 0) return;
  ForEachShare(ranges, [&body, items, ranges](size_t range) {
    body(range, RangeStart(items, ranges, range), RangeStart(items, ranges, range + 1));
  });
}

// Calls body(range, begin, end) over [0, items) cut into RangesFor(items, grain) ranges: for
// work that costs the same per item.
template <class Body>
void ForEachRange(size_t items, size_t grain, const Body& body) {
  ForEachOfEqualRanges(items, RangesFor(items, grain), body);
}

// The same without the range's number: body(begin, end).
template <class Body>
void ForRanges(size_t items, size_t grain, const Body& body) {
  ForEachRange(items, grain, [&body](size_t, size_t begin, size_t end) { body(begin, end); });
}

// Work whose items cost unevenly is cut into a few shares per thread (`per_thread`, at most
// one per item), claimed by whichever thread is free: a thread that starts late or runs slow
// takes fewer. One share on one thread.
inline constexpr size_t kUnevenSharesPerThread = 4;
inline size_t UnevenShares(size_t items, size_t per_thread = kUnevenSharesPerThread) {
  const size_t threads = size_t(WorkerThreads());
  if (threads == 1) return 1;
  return std::max<size_t>(1, std::min(items, threads * per_thread));
}

// How many ranges ForEachUnevenRange cuts `items` into: UnevenShares(items, per_thread), fewer
// when that would make ranges smaller than `grain` items. For scratch that each range needs its
// own of.
inline size_t UnevenRangesFor(size_t items, size_t grain,
                              size_t per_thread = kUnevenSharesPerThread) {
  return std::min(UnevenShares(items, per_thread),
                  std::max<size_t>(1, items / std::max<size_t>(grain, 1)));
}

// Calls body(range, begin, end) over [0, items) cut into UnevenRangesFor(items, grain) ranges
// of about as many items each, claimed by whichever thread is free: for items whose cost
// differs in ways not known ahead, and for a few milliseconds of rows that cost the same each,
// where one range per thread would keep the others waiting for a helper woken late from its
// sleep.
template <class Body>
void ForEachUnevenRange(size_t items, size_t grain, const Body& body) {
  ForEachOfEqualRanges(items, UnevenRangesFor(items, grain), body);
}

// The same without the range's number: body(begin, end).
template <class Body>
void ForUnevenRanges(size_t items, size_t grain, const Body& body) {
  ForEachUnevenRange(items, grain, [&body](size_t, size_t begin, size_t end) { body(begin, end); });
}

template <class Body>
void ForUnevenRanges(size_t items, const Body& body) {
  ForUnevenRanges(items, 1, body);
}

// Boundaries (ranges + 1 of them, from 0 to cost.size()) of `ranges` contiguous ranges of
// items of about equal total cost.
std::vector<size_t> CutByCost(const std::vector<uint64_t>& cost, size_t ranges);

}  // namespace clipscope
