#include "one_query_ranges.h"

#include <vector>

#include "parallel.h"

namespace clipscope {

void ScanRangesOfOneQuery(size_t n, size_t d, size_t keep, TopK* best, RangeScan scan,
                          const void* context) {
  const size_t ranges = UnevenRangesFor(n, kOneQueryShareValues / d);
  if (ranges <= 1) return scan(context, 0, n, best);
  std::vector<TopK> partial(ranges, TopK(keep));
  for (size_t range = 0; range < ranges; ++range)
    partial[range].ReserveFor(RangeStart(n, ranges, range + 1) - RangeStart(n, ranges, range));
  TopK* const selections = partial.data();
  ForEachOfEqualRanges(n, ranges, [=](size_t range, size_t begin, size_t end) {
    scan(context, begin, end, selections + range);
  });
  for (const TopK& selection : partial)
    for (const Candidate& c : selection.Kept()) best->Push(c);
}

}  // namespace clipscope
