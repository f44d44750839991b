#include "parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <tuple>
#include <vector>

#include "centroid_groups.h"
#include "embedding_index.h"
#include "ivf_index.h"
#include "kmeans.h"
#include "neighbours.h"
#include "test_data.h"
#include "thread_runner.h"
#include "umap_layout.h"

namespace clipscope {
namespace {

using testing::ScopedThreads;

// An exact index of the rows of `data` (d values each), whose ids are 0, 1, 2, ...
EmbeddingIndex IndexOfRows(const std::vector<float>& data, size_t d,
                           Storage storage = Storage::kFloat32) {
  Result<EmbeddingIndex> created = EmbeddingIndex::Create(d, {storage, 0});
  EXPECT_TRUE(created.ok());
  std::vector<ItemId> ids;
  for (size_t i = 0; i < data.size() / d; ++i) ids.emplace_back(double(i));
  EXPECT_TRUE(created.value().Add(ids, data.data(), data.size()).ok());
  return std::move(created.value());
}

TEST(Parallel, ForRangesCoversEveryItemOnceInOneRangePerThread) {
  for (int threads : {1, 2, 3, 8}) {
    ScopedThreads scoped(threads);
    for (size_t items : {0, 1, 2, 5, 97}) {
      std::vector<int> seen(items, 0);  // each range writes only its own items
      ForRanges(items, 1, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) ++seen[i];
      });
      for (size_t i = 0; i < items; ++i) EXPECT_EQ(seen[i], 1) << items << " items, item " << i;
    }
  }
}

TEST(Parallel, ForRangesMakesOneRangePerThreadAndNoneBelowTheGrain) {
  ScopedThreads scoped(4);
  std::vector<std::pair<size_t, size_t>> ranges(4);
  std::atomic<int> calls{0};
  ForRanges(10, 1, [&](size_t begin, size_t end) { ranges[calls++] = {begin, end}; });
  EXPECT_EQ(calls.load(), 4);
  calls = 0;
  ForRanges(10, 4, [&](size_t begin, size_t end) { ranges[calls++] = {begin, end}; });
  EXPECT_EQ(calls.load(), 3);  // ceil(10 / 4) ranges of about 3.3 items
  calls = 0;
  ForRanges(10, 20, [&](size_t begin, size_t end) { ranges[calls++] = {begin, end}; });
  ASSERT_EQ(calls.load(), 1);
  EXPECT_EQ(ranges[0], std::make_pair(size_t(0), size_t(10)));
}

TEST(Parallel, ALoopInsideAShareRunsInline) {
  ScopedThreads scoped(3);
  std::vector<int> inner_threads(3, 0), inner_calls(3, 0);
  ForEachRange(3, 1, [&](size_t range, size_t, size_t) {
    inner_threads[range] = WorkerThreads();
    ForRanges(100, 1, [&](size_t begin, size_t end) { inner_calls[range] += int(end > begin); });
  });
  EXPECT_EQ(inner_threads, std::vector<int>({1, 1, 1}));
  EXPECT_EQ(inner_calls, std::vector<int>({1, 1, 1}));  // one range each: no nested pool job
  EXPECT_EQ(WorkerThreads(), 3);
}

// Bit-identical results at 1, 2 and 3 threads: batches of every parity, with and without a
// filter, in every storage.
TEST(Parallel, CutByCostMakesContiguousRangesOfAboutEqualCost) {
  EXPECT_EQ(CutByCost({1, 1, 1, 1}, 2), std::vector<size_t>({0, 2, 4}));
  EXPECT_EQ(CutByCost({10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2), std::vector<size_t>({0, 1, 11}));
  EXPECT_EQ(CutByCost({1, 1}, 4), std::vector<size_t>({0, 1, 1, 2, 2}));  // empty ranges at the end
  EXPECT_EQ(CutByCost({}, 3), std::vector<size_t>({0, 0, 0, 0}));
  EXPECT_EQ(CutByCost({5, 5, 5}, 1), std::vector<size_t>({0, 3}));
}

TEST(Parallel, UnevenWorkGetsAFewSharesPerThread) {
  EXPECT_EQ(UnevenShares(100), 1u);  // no runner: one thread
  ScopedThreads scoped(3);
  EXPECT_EQ(UnevenShares(100), 3 * kUnevenSharesPerThread);
  EXPECT_EQ(UnevenShares(5), 5u);
  EXPECT_EQ(UnevenShares(100, 8), 24u);
  EXPECT_EQ(UnevenShares(0, 8), 1u);
  std::vector<int> seen(20, 0);
  ForEachShare(20, [&](size_t share) { ++seen[share]; });
  EXPECT_EQ(seen, std::vector<int>(20, 1));
  for (size_t items : {0, 5, 97}) {  // ranges covering every item once, one per share
    std::vector<int> covered(items, 0);
    std::atomic<size_t> ranges{0};
    ForUnevenRanges(items, [&](size_t begin, size_t end) {
      ++ranges;
      for (size_t i = begin; i < end; ++i) ++covered[i];
    });
    EXPECT_EQ(covered, std::vector<int>(items, 1)) << items << " items";
    EXPECT_EQ(ranges.load(), items == 0 ? 0 : UnevenShares(items)) << items << " items";
  }
  // With a grain: as many shares, none below the grain (fewer when the items are few).
  for (auto [items, grain, shares] : {std::tuple<size_t, size_t, size_t>{1000, 16, 12},
                                      {100, 16, 6},
                                      {10, 16, 1},
                                      {100, 0, 12}}) {
    std::vector<int> covered(items, 0);
    std::atomic<size_t> ranges{0}, smallest{items};
    ForUnevenRanges(items, grain, [&](size_t begin, size_t end) {
      ++ranges;
      for (size_t i = begin; i < end; ++i) ++covered[i];
      for (size_t low = smallest;
           end - begin < low && !smallest.compare_exchange_weak(low, end - begin);) {
      }
    });
    EXPECT_EQ(covered, std::vector<int>(items, 1)) << items << " items, grain " << grain;
    EXPECT_EQ(ranges.load(), shares) << items << " items, grain " << grain;
    if (shares > 1) {
      EXPECT_GE(smallest.load(), grain) << items << " items, grain " << grain;
    }
  }
}

// Each share's in-order part runs after its body, one at a time, in the order of the shares,
// while later bodies run: sums in row order overlap the labelling of later rows.
TEST(Parallel, InOrderPartsRunOneAtATimeInOrderAfterTheirShare) {
  for (int threads : {1, 2, 3}) {
    ScopedThreads scoped(threads);
    constexpr size_t kShares = 2000;
    std::vector<std::atomic<bool>> body_done(kShares);
    std::vector<size_t> order;
    order.reserve(kShares);  // push_back below allocates nothing
    std::atomic<int> in_order_running{0}, most_running{0}, late{0};
    ForEachShareThenInOrder(
        kShares,
        [&](size_t s) {
          volatile double spin = 0;  // uneven work, so that shares finish out of order
          for (size_t i = 0; i < (s * 7919) % 3000; ++i) spin = spin + double(i);
          body_done[s] = true;
        },
        [&](size_t s) {
          const int running = ++in_order_running;
          if (running > most_running) most_running = running;
          if (!body_done[s]) ++late;
          order.push_back(s);
          --in_order_running;
        });
    ASSERT_EQ(order.size(), kShares) << threads << " threads";
    for (size_t s = 0; s < kShares; ++s) ASSERT_EQ(order[s], s) << threads << " threads";
    EXPECT_EQ(most_running.load(), 1) << threads << " threads";
    EXPECT_EQ(late.load(), 0) << threads << " threads";
  }
}

// A share borrows a scratch no running share holds; there are only as many as threads.
TEST(Parallel, ScratchSlotsLendEachItemToOneShareAtATime) {
  ScopedThreads scoped(3);
  std::vector<std::atomic<int>> holders(3);
  ScratchSlots<int> slots(std::vector<int>{0, 1, 2});
  std::atomic<int> shared{0}, uses{0};
  ForEachShare(3000, [&](size_t) {
    slots.With([&](int* item) {
      if (++holders[size_t(*item)] > 1) ++shared;
      volatile int spin = 0;
      for (int i = 0; i < 200; ++i) spin = spin + i;
      --holders[size_t(*item)];
      ++uses;
    });
  });
  EXPECT_EQ(shared.load(), 0);
  EXPECT_EQ(uses.load(), 3000);
}

// A runner is never handed more than kMaxSharesPerRun shares at once (the WASM pool's ticket
// has 12 bits for the share): a longer job goes out as several calls, every share once.
std::vector<size_t> runner_calls;
void RecordingRunner(ShareFn fn, void* context, size_t shares) {
  runner_calls.push_back(shares);
  for (size_t s = 0; s < shares; ++s) fn(context, s);
}

TEST(Parallel, ALongJobReachesTheRunnerInCallsOfAtMostTheMaximum) {
  SetShareRunner(&RecordingRunner, 2);
  runner_calls.clear();
  std::vector<int> seen(10000, 0);
  ForEachShare(seen.size(), [&](size_t s) { ++seen[s]; });
  SetShareRunner(nullptr, 1);
  EXPECT_EQ(runner_calls, std::vector<size_t>({kMaxSharesPerRun, kMaxSharesPerRun, 1810}));
  EXPECT_EQ(seen, std::vector<int>(10000, 1));
}

TEST(Parallel, LayoutNeighboursAndLayoutAreIdenticalOnEveryThreadCount) {
  // Exhaustive search (up to kExhaustiveNeighbours rows) and the inverted file, in the
  // projection (wide rows) and not.
  for (auto [n, d] : {std::pair<size_t, size_t>{700, 96}, {700, 16}, {5000, 96}}) {
    const std::vector<float> x = testing::ClusteredVectors(n, d, 12, 0.3, 3);
    const std::vector<float> projected = RandomProjection(x.data(), n, d, 5);
    const Neighbours one = NearestNeighbours(x.data(), n, d, 14, projected.data(), 5);
    UmapOptions options;
    options.epochs = 10;
    const std::vector<float> layout = UmapLayout(x.data(), n, d, options).value();
    for (int threads : {2, 3}) {
      ScopedThreads scoped(threads);
      EXPECT_EQ(RandomProjection(x.data(), n, d, 5), projected);
      const Neighbours many = NearestNeighbours(x.data(), n, d, 14, projected.data(), 5);
      EXPECT_EQ(many.index, one.index) << n << " x " << d << ", " << threads << " threads";
      EXPECT_EQ(many.distance, one.distance) << n << " x " << d << ", " << threads << " threads";
      EXPECT_EQ(UmapLayout(x.data(), n, d, options).value(), layout);
    }
  }
}

TEST(Parallel, BatchSearchIsIdenticalOnEveryThreadCount) {
  const size_t d = 24, n = 1500;
  const std::vector<float> data = testing::ClusteredVectors(n, d, 30, 0.5, 7);
  const std::vector<float> queries = testing::ClusteredVectors(9, d, 30, 0.5, 8);
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = IndexOfRows(data, d, storage);
    std::vector<ItemId> filter;
    for (size_t i = 0; i < n; i += 3) filter.emplace_back(double(i));
    for (size_t batch : {2, 3, 9}) {
      for (const std::vector<ItemId>* allowed :
           {static_cast<std::vector<ItemId>*>(nullptr), &filter}) {
        auto search = [&] {
          Result<std::vector<Hits>> hits =
              index.SearchBatch(queries.data(), batch * d, 1200, allowed);
          EXPECT_TRUE(hits.ok());
          return std::move(hits.value());
        };
        const std::vector<Hits> one = search();
        for (int threads : {2, 3}) {
          ScopedThreads scoped(threads);
          const std::vector<Hits> many = search();
          ASSERT_EQ(many.size(), one.size());
          for (size_t q = 0; q < one.size(); ++q) {
            EXPECT_EQ(many[q].ids, one[q].ids) << threads << " threads, query " << q;
            EXPECT_EQ(many[q].scores, one[q].scores) << threads << " threads, query " << q;
          }
        }
      }
    }
  }
}

// A lone query is bound by one core's memory bandwidth: on several threads its rows (or a
// filter's listed rows) are cut into ranges of at least 2^20 values, scanned side by side into
// selections of their own and merged, with the same results as one thread.
TEST(Parallel, OneQueryScansRangesOfRowsOnThreadsWithTheSameResults) {
  const size_t d = 256, n = 40'003;  // ranges of at least 4,096 rows: 9 at most
  const std::vector<float> data = testing::ClusteredVectors(n, d, 400, 0.6, 11);
  const std::vector<float> query = testing::ClusteredVectors(1, d, 400, 0.6, 12);
  std::vector<ItemId> every_other;  // 20,002 listed rows: 4 ranges
  for (size_t i = 0; i < n; i += 2) every_other.emplace_back(double(i));
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = IndexOfRows(data, d, storage);
    for (const std::vector<ItemId>* filter :
         {static_cast<std::vector<ItemId>*>(nullptr), &every_other}) {
      for (int k : {10, 7000}) {  // 7,000: more than a range's rows, every one kept
        Result<Hits> one = index.Search(query.data(), d, k, filter);
        ASSERT_TRUE(one.ok());
        for (int threads : {2, 3}) {
          ScopedThreads scoped(threads);
          Result<Hits> many = index.Search(query.data(), d, k, filter);
          ASSERT_TRUE(many.ok());
          const size_t ranges = filter ? 4 : (threads == 2 ? 8 : 9);  // 4 per thread at most
          EXPECT_EQ(scoped.SharesRun(), ranges) << threads << " threads";
          EXPECT_EQ(many.value().ids, one.value().ids) << threads << " threads, k " << k;
          EXPECT_EQ(many.value().scores, one.value().scores) << threads << " threads, k " << k;
        }
      }
    }
  }
}

// The approximate index's lone query likewise: the probed lists' rows (or the filter's) cut
// into ranges, lists cut where a range ends, trained and untrained.
TEST(Parallel, ApproximateOneQueryScansRangesOfRowsOnThreadsWithTheSameResults) {
  const size_t d = 512;  // ranges of at least 2,048 rows
  const std::vector<float> data = testing::ClusteredVectors(20'000, d, 200, 0.6, 21);
  const std::vector<float> query = testing::ClusteredVectors(1, d, 200, 0.6, 22);
  IvfOptions options;
  options.lists = 8;
  for (size_t n : {size_t(19'000), size_t(20'000)}) {  // 20,000: trained as it is added
    Result<IvfIndex> created = IvfIndex::Create(d, options);
    ASSERT_TRUE(created.ok());
    IvfIndex& index = created.value();
    std::vector<ItemId> ids, every_other;  // every other row: 4 ranges
    for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
    for (size_t i = 0; i < n; i += 2) every_other.emplace_back(double(i));
    ASSERT_TRUE(index.Add(ids, data.data(), n * d).ok());
    ASSERT_EQ(index.trained(), n == 20'000);
    for (const std::vector<ItemId>* filter :
         {static_cast<std::vector<ItemId>*>(nullptr), &every_other}) {
      for (int k : {10, 3000}) {  // 3,000: a pool of 12,000, more than a range's rows
        // Every list probed: all n rows, 9 ranges at most.
        Result<Hits> one = index.Search(query.data(), d, k, 8, filter);
        ASSERT_TRUE(one.ok());
        for (int threads : {2, 3}) {
          ScopedThreads scoped(threads);
          Result<Hits> many = index.Search(query.data(), d, k, 8, filter);
          ASSERT_TRUE(many.ok());
          const size_t ranges = filter ? 4 : (threads == 2 ? 8 : 9);  // 4 per thread at most
          EXPECT_EQ(scoped.SharesRun(), ranges) << n << " rows, " << threads << " threads";
          EXPECT_EQ(many.value().ids, one.value().ids) << n << " rows, " << threads << " threads";
          EXPECT_EQ(many.value().scores, one.value().scores) << n << " rows, k " << k;
        }
      }
    }
  }
}

// The approximate index likewise: trained (probing lists) and untrained, with and without a
// filter, with float copies and without.
TEST(Parallel, ApproximateBatchSearchIsIdenticalOnEveryThreadCount) {
  const size_t d = 16;
  for (size_t n : {size_t(500), size_t(3000)}) {
    const std::vector<float> data = testing::ClusteredVectors(n, d, 40, 0.4, n);
    const std::vector<float> queries = testing::ClusteredVectors(7, d, 40, 0.4, n + 1);
    for (bool keep_floats : {false, true}) {
      IvfOptions options;
      options.keep_floats = keep_floats;
      Result<IvfIndex> created = IvfIndex::Create(d, options);
      ASSERT_TRUE(created.ok());
      IvfIndex& index = created.value();
      std::vector<ItemId> ids;
      for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
      ASSERT_TRUE(index.Add(ids, data.data(), data.size()).ok());
      if (n == 3000) {
        ASSERT_TRUE(index.Train().ok());
      }
      std::vector<ItemId> filter;
      for (size_t i = 0; i < n; i += 4) filter.emplace_back(double(i));
      for (const std::vector<ItemId>* allowed :
           {static_cast<std::vector<ItemId>*>(nullptr), &filter}) {
        auto search = [&] {
          Result<std::vector<Hits>> hits =
              index.SearchBatch(queries.data(), queries.size(), 30, 3, allowed);
          EXPECT_TRUE(hits.ok());
          return std::move(hits.value());
        };
        const std::vector<Hits> one = search();
        for (int threads : {2, 3}) {
          ScopedThreads scoped(threads);
          const std::vector<Hits> many = search();
          ASSERT_EQ(many.size(), one.size());
          for (size_t q = 0; q < one.size(); ++q) {
            EXPECT_EQ(many[q].ids, one[q].ids)
                << n << " rows, " << threads << " threads, query " << q;
            EXPECT_EQ(many[q].scores, one[q].scores) << n << " rows, " << threads << " threads";
          }
        }
      }
      EXPECT_EQ(index.trained(), n == 3000);
    }
  }
}

// Building the approximate index (training its lists, assigning every vector) on threads
// gives the same index, byte for byte, as on one.
TEST(Parallel, ApproximateIndexBuildIsIdenticalOnEveryThreadCount) {
  // At 256 dims a block of added (or reassigned) rows is normalised, quantised (or restored)
  // in several shares; the training's rows are encoded in several, and its sums follow each
  // range of 128 rows in turn.
  for (size_t d : {size_t(24), size_t(256)}) {
    const size_t n = 5000;
    const std::vector<float> data = testing::ClusteredVectors(n, d, 60, 0.4, 21);
    std::vector<ItemId> ids;
    for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
    auto build = [&] {
      Result<IvfIndex> created = IvfIndex::Create(d);
      EXPECT_TRUE(created.ok());
      EXPECT_TRUE(created.value().Add(ids, data.data(), data.size()).ok());
      EXPECT_TRUE(created.value().Train().ok());
      return created.value().Serialize();
    };
    const std::vector<uint8_t> one = build();
    for (int threads : {2, 3}) {
      ScopedThreads scoped(threads);
      EXPECT_EQ(build(), one) << d << " dims, " << threads << " threads";
    }
  }
}

// Near-duplicate groups: the same groups, in the same order, on every thread count.
TEST(Parallel, NearDuplicatesAreIdenticalOnEveryThreadCount) {
  const size_t d = 64, n = 3000;
  std::vector<float> data = testing::ClusteredVectors(n, d, 50, 0.6, 31);
  // Every tenth row a near copy of the row before it, some copies of copies: chains to join.
  for (size_t i = 10; i < n; i += 10) {
    for (size_t j = 0; j < d; ++j) data[i * d + j] = data[(i - 1) * d + j] * 1.001f + 0.0005f;
  }
  EmbeddingIndex index = IndexOfRows(data, d);
  for (float threshold : {0.99f, 0.9f}) {
    const auto one = index.NearDuplicates(threshold);
    ASSERT_TRUE(one.ok());
    EXPECT_GE(one.value().size(), threshold > 0.95f ? 299u : 1u);
    for (int threads : {2, 3}) {
      ScopedThreads scoped(threads);
      const auto many = index.NearDuplicates(threshold);
      ASSERT_TRUE(many.ok());
      EXPECT_EQ(many.value(), one.value()) << threads << " threads, threshold " << threshold;
    }
  }
}

// The approximate index's near-duplicate groups: the same on every thread count, with and
// without the stored floats.
TEST(Parallel, ApproximateNearDuplicatesAreIdenticalOnEveryThreadCount) {
  const size_t n = IvfIndex::kTrainAt, d = 48;
  std::vector<float> data = testing::ClusteredVectors(n, d, 100, 0.6, 41);
  for (size_t i = 7; i < n; i += 7)
    for (size_t j = 0; j < d; ++j) data[i * d + j] = data[(i - 1) * d + j] * 1.001f + 0.0005f;
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
  for (bool keep_floats : {true, false}) {
    IvfOptions options;
    options.keep_floats = keep_floats;
    Result<IvfIndex> index = IvfIndex::Create(d, options);
    ASSERT_TRUE(index.ok());
    ASSERT_TRUE(index.value().Add(ids, data.data(), data.size()).ok());
    ASSERT_TRUE(index.value().trained());
    const auto one = index.value().NearDuplicates(0.98f);
    ASSERT_TRUE(one.ok());
    EXPECT_GE(one.value().size(), n / 7 / 2);
    for (int threads : {2, 3}) {
      ScopedThreads scoped(threads);
      const auto many = index.value().NearDuplicates(0.98f);
      ASSERT_TRUE(many.ok());
      EXPECT_EQ(many.value(), one.value()) << threads << " threads, keep_floats " << keep_floats;
    }
  }
}

// k-means on x (n * d) with these options on 2 and 3 threads: the same centroids, labels,
// inertia and iterations as on one.
void ExpectKMeansIdenticalOnEveryThreadCount(const std::vector<float>& x, size_t n, size_t d,
                                             size_t k, const KMeansOptions& options,
                                             const std::string& where) {
  auto run = [&] {
    Result<KMeansResult> r = KMeans(x.data(), n, d, k, options);
    EXPECT_TRUE(r.ok());
    return std::move(r.value());
  };
  const KMeansResult one = run();
  for (int threads : {2, 3}) {
    ScopedThreads scoped(threads);
    const KMeansResult many = run();
    EXPECT_EQ(many.labels, one.labels) << where << ", " << threads << " threads";
    EXPECT_EQ(many.centroids, one.centroids) << where << ", " << threads << " threads";
    EXPECT_EQ(many.inertia, one.inertia) << where << ", " << threads << " threads";
    EXPECT_EQ(many.iterations, one.iterations) << where << ", " << threads << " threads";
  }
}

// k-means (k-means++ seeding, Lloyd, mini-batch; both metrics). Lloyd's sums stay in row order on
// threads: at 512 dims, 5,000 points are 40 ranges of 128, each summed in turn beside the
// labelling of later ones.
TEST(Parallel, KMeansIsIdenticalOnEveryThreadCount) {
  for (size_t d : {size_t(32), size_t(512)}) {
    const size_t n = d == 32 ? 6000 : 5000, k = 24;
    const std::vector<float> x = testing::ClusteredVectors(n, d, 30, 0.5, 11);
    for (Metric metric : {Metric::kEuclidean, Metric::kCosine}) {
      for (size_t mini_batch : {size_t(0), size_t(512)}) {
        KMeansOptions options;
        options.metric = metric;
        options.mini_batch = mini_batch;
        options.seed = 3;
        ExpectKMeansIdenticalOnEveryThreadCount(
            x, n, d, k, options,
            std::to_string(d) + " dims, mini-batch " + std::to_string(mini_batch));
      }
    }
  }
}

// With many centroids k-means assigns through centroid groups, block by block: the same on
// every thread count too. The Lloyd steps after the batches assign 9,000 points of 512 floats in
// 18 blocks, summed in turn in row order beside the labelling of later blocks.
TEST(Parallel, KMeansThroughCentroidGroupsIsIdenticalOnEveryThreadCount) {
  struct Case {
    size_t n, d, k, true_centres;
    double noise;
    uint64_t seed;
    size_t mini_batch;
    int max_iter;
    const char* name;
  };
  for (const Case& c : {Case{4000, 16, 300, 400, 0.3, 12, 1500, 3, "centroid groups"},
                        Case{9000, 512, 256, 300, 0.5, 13, 1024, 1, "refined in 18 blocks"}}) {
    ASSERT_TRUE(UsesCentroidGroups(c.k));
    const std::vector<float> x =
        testing::ClusteredVectors(c.n, c.d, c.true_centres, c.noise, c.seed);
    KMeansOptions options;
    options.metric = Metric::kCosine;
    options.mini_batch = c.mini_batch;
    options.max_iter = c.max_iter;
    ExpectKMeansIdenticalOnEveryThreadCount(x, c.n, c.d, c.k, options, c.name);
  }
}

}  // namespace
}  // namespace clipscope
