// The exact index's scans: scores of queries against rows of float32 values or int8 codes,
// offered to TopK selections. Every kernel sums in simd.h's canonical order, so how the rows
// are blocked, split or ordered changes speed only. Every argument arrives as a value, so that
// a share on a helper thread keeps it in its own registers and stack instead of re-reading the
// calling thread's frame, whose cache lines that thread keeps writing.
#pragma once

#include <cstddef>
#include <cstdint>

#include "top_k.h"

namespace clipscope {

// Rows per cache block of a batch scan: about 256 KiB, so a block stays in L2 while every
// query passes over it.
inline constexpr size_t kBlockBytes = 256 * 1024;

// Queries [first, last) over all n rows into selections[first, last), `block` rows at a time:
// up to five queries against each pair of rows.
void ScanFloat32Queries(const float* queries, const float* data, const uint64_t* seqs, size_t n,
                        size_t d, size_t block, size_t first, size_t last, TopK* selections);

// A lone query over rows [begin, end), bound by memory: four streams of rows.
void ScanOneFloat32Query(const float* query, const float* data, const uint64_t* seqs, size_t begin,
                         size_t end, size_t d, TopK* selection);

// A query over the listed rows [begin, end) of a filter: one Dot per row.
void ScanListedRows(const float* query, const float* data, const uint64_t* seqs,
                    const uint32_t* listed, size_t begin, size_t end, size_t d, TopK* selection);

// What the int8 scan of a range of queries reads and fills.
struct Int8Scan {
  const int8_t* query_codes;    // num_queries * d
  const int16_t* wide_queries;  // the same codes as int16, for a scan without slots
  const float* query_scales;    // num_queries
  const int8_t* codes;          // n * d
  const float* scales;          // n
  const uint64_t* seqs;         // n
  bool filtered;                // score only the num_slots rows in slots (none, maybe)
  const uint32_t* slots;        // filtered: num_slots rows to score (null when none)
  size_t num_slots, n, d;
  TopK* pools;  // one per query
};

// Int8 scores of the one query over rows [begin, end): four streams of rows.
void ScanOneInt8Query(const Int8Scan scan, size_t begin, size_t end, TopK* pool);

// Int8 scores of query q over the listed rows [begin, end) of a filter.
void ScanListedInt8(const Int8Scan scan, size_t q, size_t begin, size_t end, TopK* pool);

// Int8 scores of queries [first, last) into their pools: exact int32 dot products scaled to
// cosines.
void ScanInt8Queries(const Int8Scan scan, size_t first, size_t last);

}  // namespace clipscope
