#include "row_scans.h"

#include <algorithm>
#include <cmath>

#include "cluster_sums.h"
#include "parallel.h"
#include "simd.h"
#include "vector_checks.h"

namespace clipscope {
namespace {

// The tolerance scale sums chunks of at least this many rows, at most this many chunks.
constexpr size_t kMinChunkRows = 1024;
constexpr size_t kMaxChunks = 256;

// Rows whose inertia terms are kept at once before they are summed in order.
constexpr size_t kInertiaChunk = size_t(1) << 16;

// Per-row work, out of line: a WebAssembly engine runs a long call with its baseline
// compiler's code to the end, and a small function called once per row is optimised after a
// few rows.
#define CLIPSCOPE_PER_ROW __attribute__((noinline))

CLIPSCOPE_PER_ROW void AddSquaredDeviation(double* m2, const float* row, const double* mean,
                                           size_t d) {
  for (size_t j = 0; j < d; ++j) m2[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
}

CLIPSCOPE_PER_ROW double RowNormSquared(const float* row, size_t d) { return SquaredNorm(row, d); }

CLIPSCOPE_PER_ROW size_t FirstNonFiniteInRow(const float* row, size_t d) {
  for (size_t j = 0; j < d; ++j) {
    if (!std::isfinite(row[j])) return j;
  }
  return d;
}

CLIPSCOPE_PER_ROW float RowSquaredDistance(const float* a, const float* b, size_t d) {
  return simd::SquaredDistance(a, b, d);
}

}  // namespace

CLIPSCOPE_PER_ROW float RowDot(const float* a, const float* b, size_t d) {
  return simd::Dot(a, b, d);
}

CLIPSCOPE_PER_ROW void NormalizeRow(float* row, size_t d) {
  const double norm = SquaredNorm(row, d);
  if (norm == 0) return;
  const double inverse = 1.0 / std::sqrt(norm);
  for (size_t j = 0; j < d; ++j) row[j] = float(row[j] * inverse);
}

NonFiniteValue FirstNonFiniteValue(const float* x, size_t n, size_t d) {
  // Each range stops at its first; the earliest range that found one has the first.
  std::vector<size_t> first(RangesFor(n, RowsPerShare(d)), n);
  size_t* const first_of_range = first.data();
  ForEachRange(n, RowsPerShare(d), [=](size_t range, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (FirstNonFiniteInRow(x + i * d, d) < d) {
        first_of_range[range] = i;
        return;
      }
    }
  });
  const size_t row = *std::min_element(first.begin(), first.end());
  return {row, row < n ? FirstNonFiniteInRow(x + row * d, d) : d};
}

NormCheck CheckNorms(const float* x, size_t n, size_t d) {
  const size_t ranges = RangesFor(n, RowsPerShare(d));
  std::vector<size_t> first_zero(ranges, n);
  std::vector<uint8_t> all_unit(ranges, 1);
  size_t* const zero_of_range = first_zero.data();
  uint8_t* const unit_of_range = all_unit.data();
  ForEachRange(n, RowsPerShare(d), [=](size_t range, size_t begin, size_t end) {
    bool unit = true;
    for (size_t i = begin; i < end; ++i) {
      const double norm = RowNormSquared(x + i * d, d);
      if (norm == 0) {
        zero_of_range[range] = i;
        break;
      }
      unit = unit && std::fabs(norm - 1.0) <= 1e-6;
    }
    unit_of_range[range] = unit;
  });
  return {*std::min_element(first_zero.begin(), first_zero.end()),
          std::all_of(all_unit.begin(), all_unit.end(), [](uint8_t unit) { return unit != 0; })};
}

void NormalizeEachRow(float* x, size_t n, size_t d) {
  ForRanges(n, RowsPerShare(d), [=](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) NormalizeRow(x + i * d, d);
  });
}

std::vector<float> RowNorms(const float* x, size_t n, size_t d) {
  std::vector<float> norms(n);
  float* const out = norms.data();
  ForRanges(n, RowsPerShare(d), [=](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) out[i] = RowDot(x + i * d, x + i * d, d);
  });
  return norms;
}

double MeanVariance(const float* x, size_t n, size_t d) {
  // Chunks of rows fixed by n alone (not by the thread count), each summed in row order into
  // its own partial sums in a parallel share; the partial sums are added in chunk order here.
  const size_t chunk_rows = std::max(kMinChunkRows, (n + kMaxChunks - 1) / kMaxChunks);
  const size_t chunks = (n + chunk_rows - 1) / chunk_rows;
  std::vector<double> partials(chunks * d), mean(d, 0.0), m2(d, 0.0);
  double* const partial = partials.data();
  const double* const mean_of = mean.data();
  auto sum_chunks = [&](bool deviations, std::vector<double>* total) {
    ForRanges(chunks, 1, [=](size_t first, size_t last) {
      for (size_t chunk = first; chunk < last; ++chunk) {
        double* sum = partial + chunk * d;
        std::fill(sum, sum + d, 0.0);
        const size_t end = std::min(n, (chunk + 1) * chunk_rows);
        for (size_t i = chunk * chunk_rows; i < end; ++i) {
          if (deviations)
            AddSquaredDeviation(sum, x + i * d, mean_of, d);
          else
            AddRow(sum, x + i * d, d);
        }
      }
    });
    for (size_t chunk = 0; chunk < chunks; ++chunk) {
      for (size_t j = 0; j < d; ++j) (*total)[j] += partial[chunk * d + j];
    }
  };
  sum_chunks(false, &mean);
  for (double& m : mean) m /= double(n);
  sum_chunks(true, &m2);
  double total = 0;
  for (double v : m2) total += v / double(n);
  return total / double(d);
}

double Inertia(const float* x, size_t n, size_t d, const float* c, const int32_t* labels,
               Metric metric) {
  // Each row's term in parallel, a chunk at a time; summed in row order here.
  std::vector<double> terms(std::min(n, kInertiaChunk));
  double* const term = terms.data();
  double sum = 0;
  for (size_t start = 0; start < n; start += kInertiaChunk) {
    const size_t m = std::min(kInertiaChunk, n - start);
    ForRanges(m, RowsPerShare(d), [=](size_t begin, size_t end) {
      for (size_t i = begin; i < end; ++i) {
        const float* row = x + (start + i) * d;
        const float* centre = c + size_t(labels[start + i]) * d;
        term[i] = metric == Metric::kEuclidean ? double(RowSquaredDistance(row, centre, d))
                                               : 1.0 - double(RowDot(row, centre, d));
      }
    });
    for (size_t i = 0; i < m; ++i) sum += term[i];
  }
  return sum;
}

}  // namespace clipscope
