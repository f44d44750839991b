// The sums of rows by cluster that k-means moves its centres to, in row order: the order that
// keeps results the same bit for bit on any number of threads (k-means sums each range of rows in
// turn, as soon as it is labelled, beside the shares that label later ranges).
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipscope {

// sum[j] += row[j] for j < d, in double.
void AddRow(double* sum, const float* row, size_t d);

// For every cluster c < k: sums[c * d .. c * d + d) += each row i < n of x with labels[i] == c,
// in row order, and counts[c] += their number. With `reset`, sums and counts start from zero.
void SumRowsByLabel(const float* x, size_t n, size_t d, const int32_t* labels, size_t k, bool reset,
                    double* sums, size_t* counts);

}  // namespace clipscope
