// The sums of rows by cluster that k-means moves its centres to, in row order: the order that
// keeps results the same bit for bit on any number of threads (k-means sums each range of rows in
// turn, as soon as it is labelled, beside the shares that label later ranges).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "parallel.h"

namespace clipscope {

// sum[j] += row[j] for j < d, in double.
void AddRow(double* sum, const float* row, size_t d);

// For every cluster c < k: sums[c * d .. c * d + d) += each row i < n of x with labels[i] == c,
// in row order, and counts[c] += their number. With `reset`, sums and counts start from zero.
void SumRowsByLabel(const float* x, size_t n, size_t d, const int32_t* labels, size_t k, bool reset,
                    double* sums, size_t* counts);

// One Lloyd step's two passes over n points: assign(first, last) labels points [first, last),
// ranges of `range_points` points in parallel shares; then each cluster's sum and count
// (SumRowsByLabel, from zero, in row order), range by range, each as soon as its range is labelled
// and the ranges before it are summed: the sums run beside the labelling of later ranges, as one
// stream of rows (split by clusters between threads, each thread skipped most rows, and two ran
// slower than one), and only the last range's sum runs after it. On one thread each range is
// summed right after it is labelled, while its rows are in cache.
template <class Assign>
void AssignAndSumInOrder(const float* x, size_t n, size_t d, size_t k, size_t range_points,
                         const Assign& assign, const int32_t* labels, double* sums,
                         size_t* counts) {
  const size_t ranges = (n + range_points - 1) / range_points;
  ForEachShareThenInOrder(
      ranges,
      [=](size_t range) { assign(range * range_points, std::min(n, (range + 1) * range_points)); },
      [=](size_t range) {
        const size_t first = range * range_points;
        SumRowsByLabel(x + first * d, std::min(range_points, n - first), d, labels + first, k,
                       first == 0, sums, counts);
      });
}

}  // namespace clipscope
