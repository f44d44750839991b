// The passes over every row that k-means makes once per call (the finite and norm checks, the
// norms, the tolerance scale, the inertia), on threads: ranges of rows in parallel shares.
// Every sum is taken in an order fixed by the data alone (the inertia's in row order, the
// per-feature sums by chunks of rows added in chunk order), so results are the same bit for
// bit on any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kmeans.h"

namespace clipscope {

// simd::Dot of two rows, out of line (see row_scans.cpp).
float RowDot(const float* a, const float* b, size_t d);

// Scales a row to unit length in double (a zero row is left as it is).
void NormalizeRow(float* row, size_t d);

struct NonFiniteValue {
  size_t row, dim;  // row == n: every value is finite
};
// The first non-finite value of x (n rows of d), in row order.
NonFiniteValue FirstNonFiniteValue(const float* x, size_t n, size_t d);

struct NormCheck {
  size_t first_zero_row;  // n: no row is all zeros
  bool all_unit;          // every row's squared norm (in double) within 1e-6 of 1
};
NormCheck CheckNorms(const float* x, size_t n, size_t d);

// NormalizeRow on each of n rows, in place (unlike embedding_math.h's NormalizeRows, whose
// float norms and row flags serve embeddings from a model).
void NormalizeEachRow(float* x, size_t n, size_t d);

// The squared norm of every row, with the kernel of the dot products it is combined with.
std::vector<float> RowNorms(const float* x, size_t n, size_t d);

// scikit-learn's tolerance scale: the mean over features of the per-feature variance.
double MeanVariance(const float* x, size_t n, size_t d);

// Sum over rows of the squared distance to their centre c[labels[i]] (cosine: 1 - dot), from
// the SIMD kernels, summed in double in row order.
double Inertia(const float* x, size_t n, size_t d, const float* c, const int32_t* labels,
               Metric metric);

}  // namespace clipscope
