#include "cluster_sums.h"

#include <algorithm>

#include "parallel.h"

namespace clipscope {

// Out of line: a WebAssembly engine runs a long call with its baseline compiler's code to the
// end, and a small function called once per row is optimised after a few rows.
__attribute__((noinline)) void AddRow(double* sum, const float* row, size_t d) {
  for (size_t j = 0; j < d; ++j) sum[j] += row[j];
}

void SumRowsByLabel(const float* x, size_t n, size_t d, const int32_t* labels, size_t k, bool reset,
                    double* sums, size_t* counts) {
  // Clusters differ in size: a few ranges per thread, claimed by whichever thread is free.
  // Each range reads every label and only its own clusters' rows.
  ForUnevenRanges(k, [=](size_t first, size_t last) {
    if (reset) {
      std::fill(sums + first * d, sums + last * d, 0.0);
      std::fill(counts + first, counts + last, size_t(0));
    }
    for (size_t i = 0; i < n; ++i) {
      const size_t c = size_t(labels[i]);
      if (c < first || c >= last) continue;
      ++counts[c];
      AddRow(sums + c * d, x + i * d, d);
    }
  });
}

}  // namespace clipscope
