#include "cluster_sums.h"

#include <algorithm>

namespace clipscope {

// Out of line: a WebAssembly engine runs a long call with its baseline compiler's code to the
// end, and a small function called once per row is optimised after a few rows.
__attribute__((noinline)) void AddRow(double* sum, const float* row, size_t d) {
  for (size_t j = 0; j < d; ++j) sum[j] += row[j];
}

void SumRowsByLabel(const float* x, size_t n, size_t d, const int32_t* labels, size_t k, bool reset,
                    double* sums, size_t* counts) {
  if (reset) {
    std::fill(sums, sums + k * d, 0.0);
    std::fill(counts, counts + k, size_t(0));
  }
  for (size_t i = 0; i < n; ++i) {
    const size_t c = size_t(labels[i]);
    ++counts[c];
    AddRow(sums + c * d, x + i * d, d);
  }
}

}  // namespace clipscope
