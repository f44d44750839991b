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
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipscope {

using ShareFn = void (*)(void* context, size_t share);
// Runs fn(context, s) for every s in [0, shares) and returns when all have finished.
using ShareRunner = void (*)(ShareFn fn, void* context, size_t shares);

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
