// One query over many rows, on the core's threads: one core's memory bandwidth bounds a lone
// query, so the rows are cut into a few ranges per thread, each scanned into a selection of
// its own, and the best of theirs are the best of all (TopK's order is total, so the result is
// the same bit for bit on any number of threads). The exact and the approximate index use it.
#pragma once

#include <cstddef>

#include "top_k.h"

namespace clipscope {

// Values of rows (multiply-adds) a share of one query's scan takes at least: about 0.1 ms,
// float32 or int8, so that handing it to a helper thread costs little.
inline constexpr size_t kOneQueryShareValues = size_t(1) << 20;

// scan(context, begin, end, selection): offers rows [begin, end) of one query to a selection.
using RangeScan = void (*)(const void* context, size_t begin, size_t end, TopK* selection);

// One query over n rows of d values each, into `best` (keeping `keep`). Not a template: one
// copy for every kind of scan. Allocates the ranges' selections on the calling thread; `scan`
// runs in parallel shares, so it must not allocate.
void ScanRangesOfOneQuery(size_t n, size_t d, size_t keep, TopK* best, RangeScan scan,
                          const void* context);

// The same with scan(begin, end, selection) a callable.
template <class Scan>
void ScanRowsOfOneQuery(size_t n, size_t d, size_t keep, TopK* best, const Scan& scan) {
  ScanRangesOfOneQuery(
      n, d, keep, best,
      [](const void* context, size_t begin, size_t end, TopK* selection) {
        (*static_cast<const Scan*>(context))(begin, end, selection);
      },
      &scan);
}

}  // namespace clipscope
