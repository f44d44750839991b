#include "exact_scans.h"

#include <algorithm>

#include "simd.h"

namespace clipscope {
namespace {

// out[4i + j] = q . row (first + i + j * step rows) for i in [0, quads): four rows read side by
// side, four memory streams that hardware prefetch fetches in parallel (twice as fast as one
// stream here). A loop with no call in it, so the engine keeps its values in registers.
__attribute__((noinline)) void DotQuads(const float* q, const float* first, size_t step,
                                        size_t quads, size_t d, float* out) {
  for (size_t i = 0; i < quads; ++i) {
    const float* r = first + i * d;
    simd::Dot1x4(q, r, r + step, r + 2 * step, r + 3 * step, d, out + 4 * i);
  }
}

// out[4i + j] = q . row (first + i + j * step rows) for i in [0, quads), q the query's codes
// widened to int16: four rows read side by side, from four memory streams, as DotQuads reads
// float32 rows. A loop with no call in it, so the engine keeps its values in registers.
__attribute__((noinline)) void DotI8Quads(const int16_t* q, const int8_t* first, size_t step,
                                          size_t quads, size_t d, int32_t* out) {
  for (size_t i = 0; i < quads; ++i) {
    const int8_t* r = first + i * d;
    simd::DotWideI8x4(q, r, r + step, r + 2 * step, r + 3 * step, d, out + 4 * i);
  }
}

// Offers `row` to `pool` with its score for query q: the int32 dot product of their codes
// scaled to a cosine.
inline void OfferInt8(const Int8Scan& scan, size_t q, size_t row, int32_t dot, TopK* pool) {
  pool->Offer(float(dot) * scan.query_scales[q] * scan.scales[row], scan.seqs,
              static_cast<uint32_t>(row));
}

// A lone query over rows [begin, end), bound by memory: the range's four quarters are read side
// by side, `count` rows of each at a time (quads(start, quarter, count, scores) scores rows
// start + i + j * quarter into scores[4i + j]), then offered (offer(row, score)); the rows left
// over are scored one by one (one(row)). TopK orders by (score, seq), so the order of offers
// does not change the result; most rows cost one comparison, and no read of their sequence (a
// fifth memory stream).
template <class Score, class Quads, class One, class Offer>
inline void ScanInQuarters(size_t begin, size_t end, const Quads& quads, const One& one,
                           const Offer& offer) {
  constexpr size_t kQuads = 64;
  const size_t quarter = (end - begin) / 4;
  Score scores[4 * kQuads];
  for (size_t start = begin; start < begin + quarter; start += kQuads) {
    const size_t count = std::min(kQuads, begin + quarter - start);
    quads(start, quarter, count, scores);
    for (size_t i = 0; i < count; ++i) {
      for (size_t j = 0; j < 4; ++j) offer(start + i + j * quarter, scores[4 * i + j]);
    }
  }
  for (size_t row = begin + 4 * quarter; row < end; ++row) offer(row, one(row));
}

}  // namespace

void ScanFloat32Queries(const float* queries, const float* data, const uint64_t* seqs, size_t n,
                        size_t d, size_t block, size_t first, size_t last, TopK* selections) {
  for (size_t start = 0; start < n; start += block) {
    const size_t end = std::min(n, start + block);
    simd::ForEachDotBlock(last - first, simd::kMaxDotBlock, [=](size_t offset, size_t size) {
      TopK* const pools = selections + first + offset;
      const float* q[simd::kMaxDotBlock];
      for (size_t m = 0; m < size; ++m) q[m] = queries + (first + offset + m) * d;
      float s[2 * simd::kMaxDotBlock];
      size_t row = start;
      for (; row + 2 <= end; row += 2) {
        simd::DotMx2(q, size, data + row * d, data + (row + 1) * d, d, s);
        for (size_t m = 0; m < size; ++m) {
          pools[m].Offer(s[2 * m], seqs, static_cast<uint32_t>(row));
          pools[m].Offer(s[2 * m + 1], seqs, static_cast<uint32_t>(row + 1));
        }
      }
      for (; row < end; ++row) {
        for (size_t m = 0; m < size; ++m)
          pools[m].Offer(simd::Dot(q[m], data + row * d, d), seqs, static_cast<uint32_t>(row));
      }
    });
  }
}

void ScanOneFloat32Query(const float* query, const float* data, const uint64_t* seqs, size_t begin,
                         size_t end, size_t d, TopK* selection) {
  ScanInQuarters<float>(
      begin, end,
      [=](size_t start, size_t quarter, size_t count, float* scores) {
        DotQuads(query, data + start * d, quarter * d, count, d, scores);
      },
      [=](size_t row) { return simd::Dot(query, data + row * d, d); },
      [=](size_t row, float score) { selection->Offer(score, seqs, static_cast<uint32_t>(row)); });
}

// A query over the listed rows [begin, end) of a filter: one Dot per row.
void ScanListedRows(const float* query, const float* data, const uint64_t* seqs,
                    const uint32_t* listed, size_t begin, size_t end, size_t d, TopK* selection) {
  for (size_t i = begin; i < end; ++i) {
    const uint32_t row = listed[i];
    selection->Push({simd::Dot(query, data + row * d, d), seqs[row], row});
  }
}

void ScanOneInt8Query(const Int8Scan scan, size_t begin, size_t end, TopK* pool) {
  const size_t d = scan.d;
  ScanInQuarters<int32_t>(
      begin, end,
      [&](size_t start, size_t quarter, size_t count, int32_t* dots) {
        DotI8Quads(scan.wide_queries, scan.codes + start * d, quarter * d, count, d, dots);
      },
      [&](size_t row) { return simd::DotI8(scan.query_codes, scan.codes + row * d, d); },
      [&](size_t row, int32_t dot) { OfferInt8(scan, 0, row, dot, pool); });
}

// Int8 scores of query q over the listed rows [begin, end) of a filter.
void ScanListedInt8(const Int8Scan scan, size_t q, size_t begin, size_t end, TopK* pool) {
  const size_t d = scan.d;
  for (size_t i = begin; i < end; ++i) {
    const uint32_t row = scan.slots[i];
    OfferInt8(scan, q, row, simd::DotI8(scan.query_codes + q * d, scan.codes + row * d, d), pool);
  }
}

// Int8 scores of queries [first, last): exact int32 dot products scaled to cosines.
void ScanInt8Queries(const Int8Scan scan, size_t first, size_t last) {
  const size_t d = scan.d;
  auto push = [&scan](size_t q, size_t row, int32_t dot) {
    OfferInt8(scan, q, row, dot, scan.pools + q);
  };
  if (scan.filtered) {
    for (size_t q = first; q < last; ++q)
      ScanListedInt8(scan, q, 0, scan.num_slots, scan.pools + q);
    return;
  }
  // A batch reuses each cached block of rows for every query: up to four queries, widened to
  // int16 once, against each pair of rows.
  const size_t block = std::max<size_t>(4, kBlockBytes / d / 4 * 4);
  for (size_t start = 0; start < scan.n; start += block) {
    const size_t end = std::min(scan.n, start + block);
    simd::ForEachDotBlock(last - first, simd::kMaxDotI8Block, [&](size_t offset, size_t size) {
      const size_t q0 = first + offset;
      const int16_t* q[simd::kMaxDotI8Block];
      for (size_t m = 0; m < size; ++m) q[m] = scan.wide_queries + (q0 + m) * d;
      int32_t s[2 * simd::kMaxDotI8Block];
      size_t row = start;
      for (; row + 2 <= end; row += 2) {
        simd::DotI8Mx2(q, size, scan.codes + row * d, scan.codes + (row + 1) * d, d, s);
        for (size_t m = 0; m < size; ++m)
          push(q0 + m, row, s[2 * m]), push(q0 + m, row + 1, s[2 * m + 1]);
      }
      if (row < end) {
        for (size_t m = 0; m < size; ++m)
          push(q0 + m, row, simd::DotI8(scan.query_codes + (q0 + m) * d, scan.codes + row * d, d));
      }
    });
  }
}

}  // namespace clipscope
