#include "embedding_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "simd.h"
#include "test_data.h"

namespace clipscope {
namespace {

// Brute-force top-k in double precision: normalise, dot, sort by score then insertion order.
struct Reference {
  std::vector<size_t> order;   // item indices, best first
  std::vector<double> scores;  // score of every item (not only the top k)
};

Reference BruteForce(const std::vector<float>& data, size_t d, const float* query, size_t k,
                     const std::vector<size_t>* allowed = nullptr) {
  const size_t n = data.size() / d;
  auto norm = [d](const float* x) {
    double s = 0;
    for (size_t j = 0; j < d; ++j) s += double(x[j]) * x[j];
    return std::sqrt(s);
  };
  Reference ref;
  ref.scores.resize(n);
  const double qn = norm(query);
  for (size_t i = 0; i < n; ++i) {
    double dot = 0;
    for (size_t j = 0; j < d; ++j) dot += double(query[j]) * data[i * d + j];
    ref.scores[i] = dot / (qn * norm(&data[i * d]));
  }
  if (allowed) {
    ref.order = *allowed;
  } else {
    ref.order.resize(n);
    std::iota(ref.order.begin(), ref.order.end(), 0);
  }
  std::stable_sort(ref.order.begin(), ref.order.end(),
                   [&](size_t a, size_t b) { return ref.scores[a] > ref.scores[b]; });
  ref.order.resize(std::min(k, ref.order.size()));
  return ref;
}

std::vector<ItemId> NumberIds(size_t n) {
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
  return ids;
}

EmbeddingIndex MakeIndex(const std::vector<float>& data, size_t d,
                         Storage storage = Storage::kFloat32) {
  Result<EmbeddingIndex> index = EmbeddingIndex::Create(d, {storage, 0});
  EXPECT_TRUE(index.ok());
  Status added = index.value().Add(NumberIds(data.size() / d), data.data(), data.size());
  EXPECT_TRUE(added.ok()) << added.message();
  return std::move(index.value());
}

// Hits equal the reference rank by rank; a different id is accepted only where float32
// rounding cannot tell the two apart (true scores within 1e-6).
void ExpectMatchesReference(const Hits& hits, const Reference& ref, const std::string& where) {
  ASSERT_EQ(hits.ids.size(), ref.order.size()) << where;
  for (size_t r = 0; r < hits.ids.size(); ++r) {
    const size_t got = size_t(std::get<double>(hits.ids[r]));
    const double want = ref.scores[ref.order[r]];
    EXPECT_NEAR(hits.scores[r], want, 2e-6) << where << " rank " << r;
    if (got != ref.order[r]) {
      EXPECT_NEAR(ref.scores[got], want, 1e-6)
          << where << " rank " << r << ": id " << got << " instead of " << ref.order[r];
    }
  }
}

struct Case {
  size_t n, d, k;
};

TEST(EmbeddingIndex, TopKEqualsDoublePrecisionBruteForceOnRandomData) {
  const Case cases[] = {{1, 1, 1},    {5, 1, 3},      {10, 3, 20},    {100, 7, 10},
                        {257, 17, 5}, {1000, 33, 10}, {500, 512, 10}, {3000, 100, 50},
                        {64, 8, 64},  {9, 16, 4},     {300, 9, 300}};
  for (const Case& c : cases) {
    std::vector<float> data = testing::RandomVectors(c.n, c.d, c.n * 31 + c.d);
    std::vector<float> queries = testing::RandomVectors(7, c.d, c.n + c.d);
    EmbeddingIndex index = MakeIndex(data, c.d);
    for (size_t q = 0; q < 7; ++q) {
      Result<Hits> hits = index.Search(&queries[q * c.d], c.d, int(c.k));
      ASSERT_TRUE(hits.ok()) << hits.status().message();
      ExpectMatchesReference(
          hits.value(), BruteForce(data, c.d, &queries[q * c.d], c.k),
          "n=" + std::to_string(c.n) + " d=" + std::to_string(c.d) + " k=" + std::to_string(c.k));
    }
  }
}

TEST(EmbeddingIndex, TopKEqualsDoublePrecisionBruteForceOnClusteredData) {
  for (const Case& c : {Case{2000, 64, 10}, Case{1500, 512, 10}, Case{777, 130, 25}}) {
    std::vector<float> all = testing::ClusteredVectors(c.n + 10, c.d, 20, 0.3, c.d);
    std::vector<float> data(all.begin(), all.end() - 10 * c.d),
        queries(all.end() - 10 * c.d, all.end());
    EmbeddingIndex index = MakeIndex(data, c.d);
    for (size_t q = 0; q < 10; ++q) {
      Result<Hits> hits = index.Search(&queries[q * c.d], c.d, int(c.k));
      ASSERT_TRUE(hits.ok());
      ExpectMatchesReference(hits.value(), BruteForce(data, c.d, &queries[q * c.d], c.k),
                             "clustered n=" + std::to_string(c.n) + " d=" + std::to_string(c.d));
    }
  }
}

TEST(EmbeddingIndex, EqualScoresRankInInsertionOrder) {
  // d = 1: every stored vector normalises to +1 or -1, so scores tie exactly.
  std::vector<float> data = {2, -1, 5, 3, -4, 1};
  EmbeddingIndex index = MakeIndex(data, 1);
  const float query = 0.5f;
  Result<Hits> hits = index.Search(&query, 1, 6);
  ASSERT_TRUE(hits.ok());
  std::vector<ItemId> expected = {0.0, 2.0, 3.0, 5.0, 1.0, 4.0};
  EXPECT_EQ(hits.value().ids, expected);
  EXPECT_EQ(hits.value().scores, (std::vector<float>{1, 1, 1, 1, -1, -1}));
}

TEST(EmbeddingIndex, EqualScoresKeepTheEarliestInsertedWhateverTheScanOrder) {
  // 13 exact ties, k = 5: a single query reads the rows in four interleaved streams, and the
  // kept five are still the first five inserted, in insertion order.
  std::vector<float> data(13, 1.0f);
  EmbeddingIndex index = MakeIndex(data, 1);
  const float query = 1;
  EXPECT_EQ(index.Search(&query, 1, 5).value().ids, (std::vector<ItemId>{0.0, 1.0, 2.0, 3.0, 4.0}));
}

TEST(EmbeddingIndex, BatchSearchIsBitIdenticalToSingleSearches) {
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    for (size_t d : {5, 64, 512}) {
      const size_t n = 1000 + 3;  // not a multiple of any block
      std::vector<float> data = testing::ClusteredVectors(n, d, 10, 0.4, d);
      EmbeddingIndex index = MakeIndex(data, d, storage);
      for (size_t nq : {1, 2, 3, 5}) {
        std::vector<float> queries = testing::RandomVectors(nq, d, nq);
        Result<std::vector<Hits>> batch = index.SearchBatch(queries.data(), queries.size(), 12);
        ASSERT_TRUE(batch.ok());
        ASSERT_EQ(batch.value().size(), nq);
        for (size_t q = 0; q < nq; ++q) {
          Result<Hits> single = index.Search(&queries[q * d], d, 12);
          ASSERT_TRUE(single.ok());
          EXPECT_EQ(batch.value()[q].ids, single.value().ids) << "d=" << d << " nq=" << nq;
          EXPECT_EQ(0, std::memcmp(batch.value()[q].scores.data(), single.value().scores.data(),
                                   12 * sizeof(float)));
        }
      }
    }
  }
}

// Recall@10 of an int8 storage against exact float32 search, on 5000 clustered 512-d vectors
// whose neighbours' scores are about 5e-4 apart (100 per cluster, noise norm 0.5).
double Int8Recall(Storage storage, double max_score_error) {
  const size_t n = 5000, d = 512, nq = 100, k = 10;
  std::vector<float> all = testing::ClusteredVectors(n + nq, d, 50, 0.5, 42);
  std::vector<float> data(all.begin(), all.begin() + n * d),
      queries(all.begin() + n * d, all.end());
  EmbeddingIndex exact = MakeIndex(data, d, Storage::kFloat32);
  EmbeddingIndex int8 = MakeIndex(data, d, storage);
  size_t found = 0;
  for (size_t q = 0; q < nq; ++q) {
    Hits want = exact.Search(&queries[q * d], d, k).value();
    Hits got = int8.Search(&queries[q * d], d, k).value();
    std::set<ItemId> truth(want.ids.begin(), want.ids.end());
    for (const ItemId& id : got.ids) found += truth.count(id);
    for (size_t r = 0; r < k; ++r) EXPECT_NEAR(got.scores[r], want.scores[r], max_score_error);
  }
  return double(found) / (nq * k);
}

TEST(EmbeddingIndex, Int8ExactRecallAtTenIsAtLeast99Percent) {
  // Candidates re-ranked with the kept float32 vectors: scores are the exact ones.
  EXPECT_GE(Int8Recall(Storage::kInt8Exact, 0), 0.99);
}

TEST(EmbeddingIndex, CompactInt8RecallAtTenIsAtLeast95Percent) {
  EXPECT_GE(Int8Recall(Storage::kInt8, 0.002), 0.95);
}

TEST(EmbeddingIndex, MemoryPerVectorFollowsTheStorage) {
  std::vector<float> data = testing::RandomVectors(1000, 512, 1);
  const size_t f32 = MakeIndex(data, 512, Storage::kFloat32).MemoryBytes();
  const size_t int8 = MakeIndex(data, 512, Storage::kInt8).MemoryBytes();
  const size_t int8_exact = MakeIndex(data, 512, Storage::kInt8Exact).MemoryBytes();
  EXPECT_GE(f32, 1000u * 512 * 4);
  EXPECT_LT(f32, 1000u * (512 * 4 + 150));
  EXPECT_GE(int8, 1000u * (512 + 4));
  EXPECT_LT(int8, 1000u * (512 + 4 + 150));  // a quarter of float32, plus the id bookkeeping
  EXPECT_GE(int8_exact, 1000u * (512 * 5 + 4));
}

TEST(EmbeddingIndex, FilterRestrictsCandidatesToTheGivenIds) {
  const size_t n = 400, d = 24;
  std::vector<float> data = testing::RandomVectors(n, d, 5),
                     query = testing::RandomVectors(1, d, 6);
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = MakeIndex(data, d, storage);
    std::vector<ItemId> filter;
    std::vector<size_t> allowed;
    for (size_t i = 0; i < n; i += 7) filter.emplace_back(double(i)), allowed.push_back(i);
    filter.emplace_back(0.0);  // a repeated id counts once
    Hits hits = index.Search(query.data(), d, 10, &filter).value();
    Reference ref = BruteForce(data, d, query.data(), 10, &allowed);
    if (storage != Storage::kInt8) {
      ExpectMatchesReference(hits, ref, "filter");
    } else {
      for (const ItemId& id : hits.ids) EXPECT_EQ(size_t(std::get<double>(id)) % 7, 0u);
    }
    std::vector<ItemId> two = {3.0, 5.0};
    EXPECT_EQ(index.Search(query.data(), d, 10, &two).value().ids.size(), 2u);
    std::vector<ItemId> none;
    EXPECT_TRUE(index.Search(query.data(), d, 10, &none).value().ids.empty());
    // A batch with an empty filter too (int8 once took it for no filter at all, and scanned
    // every row with query codes it had not made).
    const std::vector<float> queries = testing::RandomVectors(3, d, 7);
    const std::vector<Hits> batch = index.SearchBatch(queries.data(), 3 * d, 10, &none).value();
    ASSERT_EQ(batch.size(), 3u);
    for (const Hits& each : batch) EXPECT_TRUE(each.ids.empty());
  }
}

TEST(EmbeddingIndex, StoresUnitVectorsAndMixedIds) {
  EmbeddingIndex index = EmbeddingIndex::Create(2).value();
  const float v[] = {3, 4, 0, -2};
  ASSERT_TRUE(index.Add({ItemId(std::string("cat")), ItemId(1.0)}, v, 4).ok());
  EXPECT_EQ(index.Get(std::string("cat")).value(), (std::vector<float>{0.6f, 0.8f}));
  EXPECT_EQ(index.Get(1.0).value(), (std::vector<float>{0, -1}));
  EXPECT_TRUE(index.Contains(1.0));
  EXPECT_FALSE(index.Contains(std::string("1")));  // 1 and "1" are different ids
}

TEST(EmbeddingIndex, RemoveKeepsOtherItemsAndTieOrder) {
  std::vector<float> data = {1, 1, 1, 1, 1};  // d = 1: all tie
  EmbeddingIndex index = MakeIndex(data, 1);
  ASSERT_TRUE(index.Remove({1.0}).ok());
  const float q = 1;
  EXPECT_EQ(index.Search(&q, 1, 10).value().ids, (std::vector<ItemId>{0.0, 2.0, 3.0, 4.0}));
  Status unknown = index.Remove({2.0, 99.0});
  EXPECT_EQ(unknown.code(), ErrorCode::kUnknownId);
  EXPECT_EQ(unknown.message(), "id 99 is not in the index");
  EXPECT_EQ(index.size(), 4u);  // all or nothing: 2 is still there
  const float v = 2;
  ASSERT_TRUE(index.Add({1.0}, &v, 1).ok());  // re-added ids go last
  EXPECT_EQ(index.Search(&q, 1, 10).value().ids, (std::vector<ItemId>{0.0, 2.0, 3.0, 4.0, 1.0}));
}

TEST(EmbeddingIndex, RejectsBadInputWithMessagesAndChangesNothing) {
  EmbeddingIndex index = EmbeddingIndex::Create(3).value();
  const float good[] = {1, 0, 0};
  ASSERT_TRUE(index.Add({ItemId(std::string("a"))}, good, 3).ok());

  const float two[] = {1, 0, 0, 0, 1, 0};
  Status s = index.Add({ItemId(std::string("b")), ItemId(std::string("a"))}, two, 6);
  EXPECT_EQ(s.code(), ErrorCode::kDuplicateId);
  EXPECT_EQ(s.message(), "id \"a\" is already in the index");
  s = index.Add({ItemId(std::string("b")), ItemId(std::string("b"))}, two, 6);
  EXPECT_EQ(s.message(), "id \"b\" appears more than once in the batch");
  s = index.Add({ItemId(std::string("b"))}, two, 6);
  EXPECT_EQ(s.code(), ErrorCode::kDimensionMismatch);
  EXPECT_EQ(s.message(), "got 6 floats for 1 ids; expected 1 x 3 = 3");
  const float nan[] = {1, NAN, 0};
  s = index.Add({ItemId(std::string("b"))}, nan, 3);
  EXPECT_EQ(s.code(), ErrorCode::kNotFinite);
  EXPECT_EQ(s.message(), "vector 0 (id \"b\") has nan at dimension 1");
  const float zero[] = {0, 0, 0};
  s = index.Add({ItemId(std::string("b"))}, zero, 3);
  EXPECT_EQ(s.code(), ErrorCode::kZeroVector);
  // The checks read bits: -0 is a zero, the smallest subnormal is not, and a NaN or Inf
  // past 16 values is found where it is.
  const float minus_zero[] = {-0.0f, 0, -0.0f};
  EXPECT_EQ(index.Add({ItemId(std::string("b"))}, minus_zero, 3).message(),
            "vector 0 (id \"b\") is all zeros and cannot be normalised");
  std::vector<float> long_row(40, 0.5f);
  long_row[37] = -INFINITY;
  EmbeddingIndex wide = EmbeddingIndex::Create(40).value();
  EXPECT_EQ(wide.Add({ItemId(2.0)}, long_row.data(), 40).message(),
            "vector 0 (id 2) has -inf at dimension 37");
  const float tiny[] = {0, 1e-45f, 0};
  ASSERT_TRUE(index.Add({ItemId(std::string("tiny"))}, tiny, 3).ok());
  EXPECT_EQ(index.Get(std::string("tiny")).value(), (std::vector<float>{0, 1, 0}));
  ASSERT_TRUE(index.Remove({ItemId(std::string("tiny"))}).ok());
  s = index.Add({ItemId(NAN)}, good, 3);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(index.size(), 1u);

  EXPECT_EQ(index.Search(good, 2, 1).status().message(), "query has 2 dims, index has 3");
  EXPECT_EQ(index.Search(good, 3, 0).status().message(), "k must be at least 1, got 0");
  const float inf[] = {INFINITY, 0, 0};
  EXPECT_EQ(index.Search(inf, 3, 1).status().code(), ErrorCode::kNotFinite);
  EXPECT_EQ(index.Search(zero, 3, 1).status().code(), ErrorCode::kZeroVector);
  EXPECT_EQ(index.SearchBatch(two, 5, 1).status().code(), ErrorCode::kDimensionMismatch);
  std::vector<ItemId> unknown = {ItemId(std::string("zz"))};
  EXPECT_EQ(index.Search(good, 3, 1, &unknown).status().message(),
            "filter id \"zz\" is not in the index");
  EXPECT_EQ(index.Get(std::string("zz")).status().code(), ErrorCode::kUnknownId);
  EXPECT_EQ(index.Search(good, 3, 5).value().ids.size(), 1u);  // k > size: size hits

  index.Clear();
  EXPECT_EQ(index.Search(good, 3, 1).status().code(), ErrorCode::kEmptyIndex);
  EXPECT_EQ(EmbeddingIndex::Create(0).status().message(),
            "dimension must be between 1 and 65536, got 0");
}

}  // namespace
}  // namespace clipscope

namespace clipscope {
namespace {

TEST(NearDuplicates, GroupsPairsAboveTheThresholdTransitively) {
  EmbeddingIndex index = EmbeddingIndex::Create(2).value();
  // angles 0, 10, 20 degrees chain up; 90 and 91 pair; 180 stands alone
  std::vector<float> v;
  for (double degrees : {90.0, 0.0, 180.0, 10.0, 91.0, 20.0}) {
    v.push_back(float(std::cos(degrees * M_PI / 180))),
        v.push_back(float(std::sin(degrees * M_PI / 180)));
  }
  std::vector<ItemId> ids = {ItemId(std::string("up")),  1.0, 2.0, 3.0,
                             ItemId(std::string("up2")), 5.0};
  ASSERT_TRUE(index.Add(ids, v.data(), v.size()).ok());
  const float cos15 = float(std::cos(15 * M_PI / 180));
  auto groups = index.NearDuplicates(cos15).value();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0],
            (std::vector<ItemId>{ItemId(std::string("up")), ItemId(std::string("up2"))}));
  EXPECT_EQ(groups[1], (std::vector<ItemId>{1.0, 3.0, 5.0}));
  EXPECT_TRUE(index.NearDuplicates(0.9999f).value().empty());
  EXPECT_EQ(index.NearDuplicates(2).status().code(), ErrorCode::kInvalidArgument);
}

// The groups of NearDuplicates computed the plain way: every pair's full dot product, a
// union-find, components of two or more in order of their first member. Ids are 0..n-1.
std::vector<std::vector<ItemId>> PlainGroups(const EmbeddingIndex& index, float threshold) {
  std::vector<float> rows;
  std::vector<ItemId> row_ids;
  const float* unit = index.Rows(nullptr, &rows, &row_ids).value();
  const size_t n = index.size(), d = index.dim();
  std::vector<int> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::function<int(int)> find = [&](int a) {
    return parent[a] == a ? a : parent[a] = find(parent[a]);
  };
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      if (simd::Dot(unit + a * d, unit + b * d, d) >= threshold)
        parent[find(int(b))] = find(int(a));
    }
  }
  std::map<int, size_t> sizes, position;
  for (size_t i = 0; i < n; ++i) ++sizes[find(int(i))];
  std::vector<std::vector<ItemId>> groups;
  for (size_t i = 0; i < n; ++i) {
    const int root = find(int(i));
    if (sizes[root] < 2) continue;
    if (!position.count(root)) position[root] = groups.size(), groups.emplace_back();
    groups[position[root]].emplace_back(std::in_place_index<0>, double(i));
  }
  return groups;
}

TEST(NearDuplicates, MatchesAPlainDoubleLoopOnClusteredData) {
  for (Storage storage : {Storage::kFloat32, Storage::kInt8}) {
    const size_t n = 700, d = 40;  // n spans several tiles, with an odd tail
    std::vector<float> x = testing::ClusteredVectors(n, d, 30, 0.15, 11);
    EmbeddingIndex index = MakeIndex(x, d, storage);
    auto got = index.NearDuplicates(0.97f).value();
    EXPECT_GT(got.size(), 5u);
    EXPECT_EQ(got, PlainGroups(index, 0.97f));
  }
}

TEST(IndexRows, PointIntoFloatStorageOrGatherById) {
  std::vector<float> x = testing::RandomVectors(10, 4, 1);
  EmbeddingIndex index = MakeIndex(x, 4);
  std::vector<float> scratch;
  std::vector<ItemId> row_ids;
  const float* all = index.Rows(nullptr, &scratch, &row_ids).value();
  EXPECT_TRUE(scratch.empty());  // no copy for the whole float32 index
  EXPECT_EQ(row_ids.size(), 10u);
  std::vector<ItemId> some = {7.0, 2.0};
  const float* picked = index.Rows(&some, &scratch, &row_ids).value();
  EXPECT_EQ(row_ids, some);
  EXPECT_EQ(std::vector<float>(picked, picked + 4), std::vector<float>(all + 28, all + 32));
  std::vector<ItemId> unknown = {99.0};
  EXPECT_EQ(index.Rows(&unknown, &scratch, &row_ids).status().code(), ErrorCode::kUnknownId);
}

}  // namespace
}  // namespace clipscope

namespace clipscope {
namespace {

TEST(NearDuplicates, BoundedScanAt512DimsFindsExactlyTheBruteForceGroups) {
  // d >= 64 takes the bounded path: a partial dot product plus a Cauchy-Schwarz bound
  // decides which pairs get the full one. It must never lose a pair.
  const size_t n = 900, d = 512;
  std::vector<float> x = testing::ClusteredVectors(n, d, 30, 0.3, 21);
  for (size_t i = 5; i < n; i += 5) {  // near copies of the item before, unchained
    for (size_t j = 0; j < d; ++j) x[i * d + j] = x[(i - 1) * d + j] + 0.002f * float(j % 5);
  }
  EmbeddingIndex index = MakeIndex(x, d);
  for (float threshold : {0.99f, 0.95f, 0.9f, 0.6f}) {
    std::vector<std::vector<ItemId>> want = PlainGroups(index, threshold);
    EXPECT_FALSE(want.empty()) << threshold;
    EXPECT_EQ(index.NearDuplicates(threshold).value(), want) << threshold;
  }
}

TEST(EmbeddingIndex, ListsIdsOldestFirstAfterRemovals) {
  auto index = EmbeddingIndex::Create(2).value();
  const std::vector<float> v = {1, 0, 0, 1, 1, 1, 1, -1};
  ASSERT_TRUE(index.Add({ItemId(3.0), ItemId("b"), ItemId(1.0), ItemId("a")}, v.data(), 8).ok());
  ASSERT_TRUE(index.Remove({ItemId("b")}).ok());  // "a" moves into b's slot
  ASSERT_TRUE(index.Add({ItemId(9.0)}, v.data(), 2).ok());
  EXPECT_EQ(index.IdsInInsertionOrder(),
            (std::vector<ItemId>{ItemId(3.0), ItemId(1.0), ItemId("a"), ItemId(9.0)}));
}

}  // namespace
}  // namespace clipscope
