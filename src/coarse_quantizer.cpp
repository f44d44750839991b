#include "coarse_quantizer.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "cluster_sums.h"
#include "parallel.h"
#include "quantize.h"
#include "random.h"
#include "simd.h"

namespace clipscope {
namespace {

// Lloyd iterations: the lists need to be good partitions, not converged ones.
constexpr int kTrainIterations = 10;

// Rows as int8 codes held in int16, in groups of four (zero rows pad the last group).
struct EncodedRows {
  std::vector<int16_t> codes;  // padded rows * stride
  std::vector<float> scales;   // one per row
};

void EncodeRows(const float* x, size_t n, size_t d, size_t stride, EncodedRows* out) {
  out->codes.assign((n + 3) / 4 * 4 * stride, 0);
  out->scales.resize(n);
  int16_t* const codes = out->codes.data();
  float* const scales = out->scales.data();
  ForUnevenRanges(n, RowsPerShare(d), [=](size_t first, size_t last) {
    for (size_t i = first; i < last; ++i)
      scales[i] = QuantizeInt8(x + i * d, d, codes + i * stride);
  });
}

// The best list of the encoded rows of groups [first, last) (four rows each, of n rows), and
// 1 - its score. Everything by value, allocating nothing: a parallel share.
void AssignGroups(const int16_t* row_codes, const float* row_scales, size_t n, size_t first,
                  size_t last, const int16_t* centroid_codes, const float* centroid_scales,
                  size_t count, size_t stride, uint32_t* lists, float* distances) {
  for (size_t i = 4 * first; i < 4 * last; i += 4) {
    const int16_t* block = row_codes + i * stride;
    float best[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
    uint32_t best_list[4] = {0, 0, 0, 0};
    for (size_t l = 0; l < count; l += 2) {  // two centroids at once (the last may repeat)
      const size_t l1 = std::min(l + 1, count - 1);
      int32_t dots[8];
      simd::DotI16x2x4(centroid_codes + l * stride, centroid_codes + l1 * stride, block, stride,
                       stride, dots);
      for (size_t j = 0; j < 2; ++j) {
        const size_t list = j == 0 ? l : l1;
        for (int r = 0; r < 4; ++r) {
          const float score = float(dots[4 * j + r]) * centroid_scales[list];
          if (score > best[r]) best[r] = score, best_list[r] = uint32_t(list);  // ties: lower
        }
      }
    }
    for (size_t r = 0; r < 4 && i + r < n; ++r) {
      lists[i + r] = best_list[r];
      if (distances) distances[i + r] = 1.0f - best[r] * row_scales[i + r];
    }
  }
}

// Rows per share of AssignEncodedAndSum (groups of four): 128 rows of 512 dims are 256 KB, still
// in cache when they are summed, and 2^16 multiply-adds per list.
constexpr size_t kTrainRowsPerShare = 128;

// The best list of each training row (encoded; x, their floats), and each list's sum and
// count of the rows it got (AssignAndSumInOrder: in row order, range by range beside the
// assignment of later ranges).
void AssignEncodedAndSum(const EncodedRows& rows, size_t n, const float* x, size_t d,
                         const std::vector<int16_t>& centroid_codes,
                         const std::vector<float>& centroid_scales, size_t stride, uint32_t* lists,
                         float* distances, double* sums, size_t* members) {
  const int16_t *const row_codes = rows.codes.data(), *const codes = centroid_codes.data();
  const float *const row_scales = rows.scales.data(), *const scales = centroid_scales.data();
  const size_t count = centroid_scales.size();
  // A list number is below 2^31: the same bits as an int32 label.
  const int32_t* const labels = reinterpret_cast<const int32_t*>(lists);
  AssignAndSumInOrder(
      x, n, d, count, kTrainRowsPerShare,
      [=](size_t first, size_t last) {  // first is a multiple of four; last, of four or n
        AssignGroups(row_codes, row_scales, n, first / 4, (last + 3) / 4, codes, scales, count,
                     stride, lists, distances);
      },
      labels, sums, members);
}

}  // namespace

Result<CoarseQuantizer> CoarseQuantizer::Train(const float* x, size_t n, size_t d, size_t lists,
                                               uint64_t seed) {
  if (d == 0)
    return Status(ErrorCode::kInvalidArgument, "training needs vectors of at least one dimension");
  if (lists == 0 || n < lists)
    return Status(ErrorCode::kInvalidArgument, "training needs at least as many vectors (" +
                                                   std::to_string(n) + ") as lists (" +
                                                   std::to_string(lists) + ")");
  CoarseQuantizer q;
  q.d_ = d;
  q.stride_ = StrideFor(d);
  q.lists_ = lists;
  EncodedRows rows;
  EncodeRows(x, n, d, q.stride_, &rows);
  // Start from `lists` distinct rows chosen by the seed.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  Random rng(seed);
  for (size_t i = 0; i < lists; ++i) std::swap(order[i], order[i + rng.Below(n - i)]);
  q.centroids_.resize(lists * d);
  for (size_t l = 0; l < lists; ++l) std::copy_n(x + size_t(order[l]) * d, d, &q.centroids_[l * d]);

  std::vector<uint32_t> labels(n, UINT32_MAX), next(n);
  std::vector<float> distance(n);
  std::vector<double> sums(lists * d);
  std::vector<size_t> members(lists);
  for (int iteration = 0; iteration < kTrainIterations; ++iteration) {
    q.EncodeCentroids();
    AssignEncodedAndSum(rows, n, x, d, q.codes_, q.code_scales_, q.stride_, next.data(),
                        distance.data(), sums.data(), members.data());
    if (next == labels) break;
    labels.swap(next);
    // An empty list restarts at the rows farthest from their centroids (ties: the first row).
    const size_t empty = size_t(std::count(members.begin(), members.end(), size_t(0)));
    std::vector<uint32_t> far;
    if (empty > 0) {
      far.resize(n);
      std::iota(far.begin(), far.end(), 0);
      std::partial_sort(far.begin(), far.begin() + long(empty), far.end(),
                        [&](uint32_t a, uint32_t b) {
                          return distance[a] > distance[b] || (distance[a] == distance[b] && a < b);
                        });
    }
    size_t reseeded = 0;
    for (size_t l = 0; l < lists; ++l) {
      float* centroid = &q.centroids_[l * d];
      if (members[l] == 0) {
        std::copy_n(x + size_t(far[reseeded++]) * d, d, centroid);
        continue;
      }
      double norm_sq = 0;
      for (size_t j = 0; j < d; ++j) norm_sq += sums[l * d + j] * sums[l * d + j];
      if (norm_sq == 0) continue;  // members that cancel out: keep the centroid
      const double inverse = 1.0 / std::sqrt(norm_sq);
      for (size_t j = 0; j < d; ++j) centroid[j] = float(sums[l * d + j] * inverse);
    }
  }
  q.EncodeCentroids();
  return q;
}

Result<CoarseQuantizer> CoarseQuantizer::FromCentroids(size_t d, std::vector<float> centroids) {
  if (d == 0 || centroids.empty() || centroids.size() % d != 0)
    return Status(ErrorCode::kCorruptData, "index data is corrupt: centroid sizes do not match");
  for (float v : centroids) {
    if (!std::isfinite(v))
      return Status(ErrorCode::kCorruptData, "index data is corrupt: a centroid is not finite");
  }
  CoarseQuantizer q;
  q.d_ = d;
  q.stride_ = StrideFor(d);
  q.lists_ = centroids.size() / d;
  q.centroids_ = std::move(centroids);
  q.centroids_.shrink_to_fit();  // a loader grows it a row at a time
  q.EncodeCentroids();
  return q;
}

void CoarseQuantizer::EncodeCentroids() {
  // The largest code that keeps stride * 127 * code below 2^31: every int32 sum exact.
  const float limit = float(std::min<size_t>(32767, size_t(INT32_MAX) / (127 * stride_)));
  codes_.assign(lists_ * stride_, 0);
  code_scales_.assign(lists_, 0);
  for (size_t l = 0; l < lists_; ++l)
    code_scales_[l] = QuantizeSymmetric(&centroids_[l * d_], d_, limit, &codes_[l * stride_]);
}

void CoarseQuantizer::Assign(const float* x, size_t n, uint32_t* lists, float* distances) const {
  AssignShares(x, nullptr, nullptr, n, lists, distances);
}

void CoarseQuantizer::AssignRows(size_t n, RowSource source, const void* context, uint32_t* lists,
                                 float* distances) const {
  AssignShares(nullptr, source, context, n, lists, distances);
}

size_t CoarseQuantizer::AssignRowsPerShare(size_t lists, size_t d) {
  // The work per row in 64 bits: 65,536 lists of 65,536 dims pass a wasm32 size_t.
  const uint64_t work = std::min<uint64_t>(uint64_t(lists) * StrideFor(d), SIZE_MAX - 1);
  return std::min(kAssignChunk, (RowsPerShare(size_t(work)) + 3) / 4 * 4);
}

size_t CoarseQuantizer::AssignScratchBytes(size_t lists, size_t d) {
  const size_t rows = AssignRowsPerShare(lists, d);
  return size_t(WorkerThreads()) *
         (rows * (StrideFor(d) * sizeof(int16_t) + sizeof(float)) + d * sizeof(float));
}

void CoarseQuantizer::AssignShares(const float* x, RowSource source, const void* context, size_t n,
                                   uint32_t* lists, float* distances) const {
  // One parallel call: each share restores (or reads), encodes and assigns its own rows in
  // scratch borrowed for it, so shares are small enough to end together whichever thread
  // starts late, and no step waits for all rows to finish the one before.
  const size_t per_share = AssignRowsPerShare(lists_, d_), d = d_, stride = stride_;
  struct Scratch {
    std::vector<float> row;      // a restored row
    std::vector<int16_t> codes;  // per_share rows' codes, each zero past d
    std::vector<float> scales;   // per_share
  };
  ScratchSlots<Scratch> slots{
      size_t(WorkerThreads()),
      Scratch{std::vector<float>(source ? d : 0), std::vector<int16_t>(per_share * stride, 0),
              std::vector<float>(per_share)}};
  ScratchSlots<Scratch>* const scratch = &slots;
  const int16_t* const codes = codes_.data();
  const float* const scales = code_scales_.data();
  const size_t count = lists_;
  ForEachShare((n + per_share - 1) / per_share, [=](size_t share) {
    const size_t first = share * per_share, rows = std::min(per_share, n - first);
    scratch->With([=](Scratch* s) {
      for (size_t i = 0; i < rows; ++i) {
        const float* row = x ? x + (first + i) * d : s->row.data();
        if (!x) source(context, first + i, s->row.data());
        s->scales[i] = QuantizeInt8(row, d, &s->codes[i * stride]);
      }
      // A short last group reads rows of an earlier share past `rows`: their scores are not
      // written.
      AssignGroups(s->codes.data(), s->scales.data(), rows, 0, (rows + 3) / 4, codes, scales, count,
                   stride, lists + first, distances ? distances + first : nullptr);
    });
  });
}

std::vector<uint32_t> CoarseQuantizer::Nearest(const float* query, size_t count) const {
  std::vector<float> scores(lists_);
  std::vector<uint32_t> order(lists_), out(std::min(count, lists_));
  NearestInto(query, count, scores.data(), order.data(), out.data());
  return out;
}

size_t CoarseQuantizer::NearestInto(const float* query, size_t count, float* scores,
                                    uint32_t* order, uint32_t* out) const {
  for (size_t l = 0; l < lists_; ++l) scores[l] = simd::Dot(query, &centroids_[l * d_], d_);
  std::iota(order, order + lists_, 0u);
  count = std::min(count, lists_);
  std::partial_sort(order, order + count, order + lists_, [scores](uint32_t a, uint32_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
  });
  std::copy(order, order + count, out);
  return count;
}

size_t CoarseQuantizer::MemoryBytes() const {
  return centroids_.capacity() * sizeof(float) + codes_.capacity() * sizeof(int16_t) +
         code_scales_.capacity() * sizeof(float);
}

}  // namespace clipscope
