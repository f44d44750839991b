#include "ivf_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "crc32.h"
#include "embedding_index.h"
#include "test_data.h"

namespace clipscope {
namespace {

std::vector<ItemId> NumberIds(size_t from, size_t n) {
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) ids.emplace_back(double(from + i));
  return ids;
}

// recall@k of the approximate hits against the exact float32 ones.
double Recall(const IvfIndex& approx, const EmbeddingIndex& exact,
              const std::vector<float>& queries, size_t d, int k, size_t nprobe) {
  size_t found = 0, wanted = 0;
  for (size_t q = 0; q < queries.size() / d; ++q) {
    auto truth = exact.Search(&queries[q * d], d, k);
    auto got = approx.Search(&queries[q * d], d, k, nprobe);
    EXPECT_TRUE(truth.ok() && got.ok());
    std::set<ItemId> expected(truth.value().ids.begin(), truth.value().ids.end());
    for (const ItemId& id : got.value().ids) found += expected.count(id);
    wanted += expected.size();
  }
  return double(found) / double(wanted);
}

struct Collection {
  size_t n, d;
  std::vector<float> data, queries;
  IvfIndex approx;
  EmbeddingIndex exact;
};

Collection Build(size_t n, size_t d, IvfOptions options) {
  auto approx = IvfIndex::Create(d, options);
  auto exact = EmbeddingIndex::Create(d);
  Collection c{n,
               d,
               testing::ClusteredVectors(n, d, 200, 0.6, 3),
               testing::ClusteredVectors(40, d, 200, 0.6, 3),
               std::move(approx.value()),
               std::move(exact.value())};
  // Queries from the same distribution (the generator's first rows: near stored vectors).
  for (size_t start = 0; start < n; start += 5000) {
    const size_t count = std::min<size_t>(5000, n - start);
    EXPECT_TRUE(c.approx.Add(NumberIds(start, count), &c.data[start * d], count * d).ok());
    EXPECT_TRUE(c.exact.Add(NumberIds(start, count), &c.data[start * d], count * d).ok());
  }
  return c;
}

TEST(IvfIndex, UntrainedBelowTheTrainingSizeAndExactOnItsOneList) {
  Collection c = Build(3000, 32, {});
  EXPECT_FALSE(c.approx.trained());
  EXPECT_EQ(c.approx.lists(), 1u);
  // One list scanned whole, re-ranked against the int8 codes: the exact top 10 up to
  // quantisation ties.
  EXPECT_GE(Recall(c.approx, c.exact, c.queries, c.d, 10, 0), 0.97);
}

TEST(IvfIndex, TrainsItselfAtTheTrainingSizeAndFindsNeighboursThroughFewLists) {
  Collection c = Build(IvfIndex::kTrainAt, 64, {});
  ASSERT_TRUE(c.approx.trained());
  EXPECT_EQ(c.approx.lists(), 200u);  // round(sqrt(2 * 20000))
  EXPECT_EQ(c.approx.trained_size(), IvfIndex::kTrainAt);
  EXPECT_EQ(c.approx.default_nprobe(), 13u);
  EXPECT_GE(Recall(c.approx, c.exact, c.queries, c.d, 10, 0), 0.95);
  // Lists hold whole clusters, so the nearest list alone finds nearly all; all of them:
  // everything the codes can find.
  const double few = Recall(c.approx, c.exact, c.queries, c.d, 10, 1);
  const double all = Recall(c.approx, c.exact, c.queries, c.d, 10, c.approx.lists());
  EXPECT_GE(few, 0.95);
  EXPECT_LE(few, all);
  EXPECT_GE(all, 0.97);
}

TEST(IvfIndex, ExactScoresWithFloatCopies) {
  IvfOptions options;
  options.keep_floats = true;
  options.lists = 16;
  Collection c = Build(IvfIndex::kTrainAt, 16, options);
  ASSERT_EQ(c.approx.lists(), 16u);
  auto got = c.approx.Search(&c.queries[0], c.d, 5, 16);
  auto truth = c.exact.Search(&c.queries[0], c.d, 5);
  ASSERT_TRUE(got.ok() && truth.ok());
  EXPECT_EQ(got.value().ids, truth.value().ids);
  EXPECT_EQ(got.value().scores, truth.value().scores);  // same kernel, same floats
}

TEST(IvfIndex, RemovesAndAddsAfterTraining) {
  IvfOptions options;
  options.lists = 32;
  Collection c = Build(IvfIndex::kTrainAt, 16, options);
  std::vector<ItemId> gone = NumberIds(100, 500);
  ASSERT_TRUE(c.approx.Remove(gone).ok());
  ASSERT_TRUE(c.exact.Remove(gone).ok());
  EXPECT_EQ(c.approx.size(), IvfIndex::kTrainAt - 500);
  EXPECT_FALSE(c.approx.Contains(ItemId(100.0)));
  EXPECT_TRUE(c.approx.Contains(ItemId(99.0)));
  // Unknown id: nothing removed.
  auto unknown = c.approx.Remove({ItemId(1.0), ItemId(100.0)});
  EXPECT_EQ(unknown.code(), ErrorCode::kUnknownId);
  EXPECT_EQ(unknown.message(), "id 100 is not in the index");
  EXPECT_TRUE(c.approx.Contains(ItemId(1.0)));
  // Added again, found again.
  ASSERT_TRUE(c.approx.Add(gone, &c.data[100 * c.d], 500 * c.d).ok());
  auto hit = c.approx.Search(&c.data[250 * c.d], c.d, 1, 32);
  ASSERT_TRUE(hit.ok());
  EXPECT_EQ(hit.value().ids[0], ItemId(250.0));
  // Get returns the (dequantised) unit vector.
  auto v = c.approx.Get(ItemId(250.0));
  ASSERT_TRUE(v.ok());
  double norm = 0;
  for (float x : v.value()) norm += double(x) * x;
  EXPECT_NEAR(norm, 1.0, 2e-3);
}

TEST(IvfIndex, RowsAreTheStoredVectorsOfAllOrSomeItems) {
  Collection c = Build(300, 8, {});
  ASSERT_TRUE(c.approx.Remove({ItemId(4.0)}).ok());  // the last item takes its number
  std::vector<float> scratch;
  std::vector<ItemId> row_ids;
  auto all = c.approx.Rows(nullptr, &scratch, &row_ids);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(row_ids.size(), 299u);
  EXPECT_EQ(row_ids[4], ItemId(299.0));
  for (size_t i = 0; i < row_ids.size(); i += 37) {
    EXPECT_EQ(std::vector<float>(all.value() + i * 8, all.value() + (i + 1) * 8),
              c.approx.Get(row_ids[i]).value());
  }
  const std::vector<ItemId> some = {ItemId(7.0), ItemId(2.0)};
  auto picked = c.approx.Rows(&some, &scratch, &row_ids);
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(row_ids, some);
  EXPECT_EQ(std::vector<float>(picked.value() + 8, picked.value() + 16),
            c.approx.Get(ItemId(2.0)).value());
  const std::vector<ItemId> unknown = {ItemId(4.0)};
  EXPECT_EQ(c.approx.Rows(&unknown, &scratch, &row_ids).status().message(),
            "id 4 is not in the index");
}

TEST(IvfIndex, RetrainsWhenTheCollectionHasGrownEightTimes) {
  IvfOptions options;
  options.seed = 1;
  auto created = IvfIndex::Create(8, options);
  IvfIndex index = std::move(created.value());
  const size_t n = 8 * IvfIndex::kTrainAt;
  std::vector<float> data = testing::ClusteredVectors(n, 8, 50, 0.5, 9);
  ASSERT_TRUE(
      index.Add(NumberIds(0, IvfIndex::kTrainAt), data.data(), IvfIndex::kTrainAt * 8).ok());
  EXPECT_EQ(index.trained_size(), IvfIndex::kTrainAt);
  const size_t rest = n - IvfIndex::kTrainAt - 1;
  ASSERT_TRUE(
      index.Add(NumberIds(IvfIndex::kTrainAt, rest), &data[IvfIndex::kTrainAt * 8], rest * 8).ok());
  EXPECT_EQ(index.trained_size(), IvfIndex::kTrainAt);  // one short of eight times
  ASSERT_TRUE(index.Add(NumberIds(n - 1, 1), &data[(n - 1) * 8], 8).ok());
  EXPECT_EQ(index.trained_size(), n);
  EXPECT_EQ(index.lists(), 566u);  // round(sqrt(2 * 160000))
}

TEST(IvfIndex, RetrainsWhenNewVectorsFallFarFromTheLists) {
  IvfOptions options;
  options.lists = 20;
  auto created = IvfIndex::Create(16, options);
  IvfIndex index = std::move(created.value());
  // Trained on tight clusters of positive vectors; then vectors of a different kind arrive.
  std::vector<float> tight = testing::ClusteredVectors(IvfIndex::kTrainAt, 16, 20, 0.05, 2);
  for (float& x : tight) x = std::fabs(x);
  ASSERT_TRUE(index.Add(NumberIds(0, IvfIndex::kTrainAt), tight.data(), tight.size()).ok());
  std::vector<float> other = testing::RandomVectors(2000, 16, 4);
  ASSERT_TRUE(index.Add(NumberIds(IvfIndex::kTrainAt, 2000), other.data(), other.size()).ok());
  EXPECT_FALSE(index.Drifted());  // far from the lists, but not yet a tenth of the collection
  EXPECT_EQ(index.trained_size(), IvfIndex::kTrainAt);
  std::vector<float> more = testing::RandomVectors(300, 16, 5);
  ASSERT_TRUE(index.Add(NumberIds(1000000, 300), more.data(), more.size()).ok());
  EXPECT_EQ(index.trained_size(), index.size());
  EXPECT_FALSE(index.Drifted());
}

TEST(IvfIndex, FilterScoresOnlyTheListedItems) {
  IvfOptions options;
  options.lists = 64;
  Collection c = Build(IvfIndex::kTrainAt, 16, options);
  std::vector<ItemId> allowed = {ItemId(5.0), ItemId(17.0), ItemId(19999.0)};
  auto hits = c.approx.Search(&c.queries[0], c.d, 10, 1, &allowed);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits.value().ids.size(), 3u);
  std::vector<ItemId> unknown = {ItemId(-5.0)};
  auto bad = c.approx.Search(&c.queries[0], c.d, 10, 0, &unknown);
  EXPECT_EQ(bad.status().message(), "filter id -5 is not in the index");
}

TEST(IvfIndex, RejectsBadInputWithClearErrors) {
  auto bad_dim = IvfIndex::Create(0);
  EXPECT_EQ(bad_dim.status().message(), "dimension must be between 1 and 65536, got 0");
  auto bad_lists = IvfIndex::Create(4, {100000});
  EXPECT_EQ(bad_lists.status().message(), "lists must be at most 65536, got 100000");
  IvfIndex index = std::move(IvfIndex::Create(2).value());
  const float nan[2] = {NAN, 1};
  EXPECT_EQ(index.Add({ItemId(1.0)}, nan, 2).message(), "vector 0 (id 1) has nan at dimension 0");
  const float ok[2] = {1, 0};
  EXPECT_EQ(index.Search(ok, 2, 1).status().code(), ErrorCode::kEmptyIndex);
  ASSERT_TRUE(index.Add({ItemId(1.0)}, ok, 2).ok());
  EXPECT_EQ(index.Add({ItemId(1.0)}, ok, 2).message(), "id 1 is already in the index");
  EXPECT_EQ(index.Search(ok, 3, 1).status().code(), ErrorCode::kDimensionMismatch);
  EXPECT_EQ(index.Search(ok, 2, 0).status().message(), "k must be at least 1, got 0");
  EXPECT_EQ(index.Search(ok, 2, 1, 70000).status().message(),
            "nprobe must be at most 65536, got 70000");
}

TEST(IvfIndex, SavesAndLoadsBitExactAndRejectsDamage) {
  IvfOptions options;
  options.lists = 40;
  options.keep_floats = true;
  Collection c = Build(IvfIndex::kTrainAt, 8, options);
  ASSERT_TRUE(c.approx.Add({ItemId(std::string("a string id"))}, c.queries.data(), 8).ok());
  std::vector<uint8_t> bytes = c.approx.Serialize();
  auto loaded = IvfIndex::Deserialize(bytes.data(), bytes.size());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value().Serialize(), bytes);
  EXPECT_EQ(loaded.value().lists(), 40u);
  for (size_t q = 0; q < 5; ++q) {
    auto a = c.approx.Search(&c.queries[q * 8], 8, 10);
    auto b = loaded.value().Search(&c.queries[q * 8], 8, 10);
    EXPECT_EQ(a.value().ids, b.value().ids);
    EXPECT_EQ(a.value().scores, b.value().scores);
  }
  // Truncated, altered, or not this format: a clear error, nothing loaded.
  auto truncated = IvfIndex::Deserialize(bytes.data(), bytes.size() / 2);
  EXPECT_EQ(truncated.status().message(),
            "index data is corrupt: checksum mismatch (the data was truncated or altered)");
  bytes[200] ^= 1;
  EXPECT_EQ(IvfIndex::Deserialize(bytes.data(), bytes.size()).status().code(),
            ErrorCode::kCorruptData);
  const uint8_t exact_format[40] = {'C', 'L', 'I', 'P', 'S', 'I', 'D', 'X'};
  EXPECT_EQ(IvfIndex::Deserialize(exact_format, 40).status().message(),
            "index data is corrupt: only 40 bytes, the header alone needs 100");
}

// Version 1 (a two-level quantizer: group centroids and each list's group after the list
// centroids) still loads: its groups are checked and dropped.
TEST(IvfIndex, LoadsTheFirstFormatVersion) {
  IvfOptions options;
  options.lists = 12;
  Collection c = Build(IvfIndex::kTrainAt, 8, options);
  const std::vector<uint8_t> current = c.approx.Serialize();
  ASSERT_EQ(current[8], 2);
  const size_t header = 96, centroids = 12 * 8 * 4;
  std::vector<uint8_t> old(current.begin(), current.end() - 4);
  old[8] = 1;
  old[92] = 1;  // one group: its centroid, then every list in group 0
  std::vector<uint8_t> groups(8 * 4 + 12 * 4, 0);
  std::copy_n(&current[header], 8 * 4, groups.begin());
  old.insert(old.begin() + long(header + centroids), groups.begin(), groups.end());
  const uint32_t crc = Crc32(old.data(), old.size());
  for (int b = 0; b < 4; ++b) old.push_back(uint8_t(crc >> (8 * b)));
  auto loaded = IvfIndex::Deserialize(old.data(), old.size());
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded.value().Serialize(), current);  // saved again as version 2
  // A list's group out of range is refused.
  old[header + centroids + 8 * 4 + 4] = 1;
  const uint32_t bad_crc = Crc32(old.data(), old.size() - 4);
  for (int b = 0; b < 4; ++b) old[old.size() - 4 + size_t(b)] = uint8_t(bad_crc >> (8 * b));
  EXPECT_EQ(IvfIndex::Deserialize(old.data(), old.size()).status().message(),
            "index data is corrupt: a list's group is out of range");
  // Version 2 with groups is not a valid file.
  std::vector<uint8_t> grouped = current;
  grouped[92] = 1;
  const uint32_t grouped_crc = Crc32(grouped.data(), grouped.size() - 4);
  for (int b = 0; b < 4; ++b)
    grouped[grouped.size() - 4 + size_t(b)] = uint8_t(grouped_crc >> (8 * b));
  EXPECT_EQ(IvfIndex::Deserialize(grouped.data(), grouped.size()).status().message(),
            "index data is corrupt: lists 12 and groups 1 are out of range");
}

TEST(IvfIndex, AboutFiveHundredFortyBytesPerVectorAt512Dims) {
  IvfOptions options;
  options.lists = 100;
  auto created = IvfIndex::Create(512, options);
  IvfIndex index = std::move(created.value());
  const size_t n = IvfIndex::kTrainAt;
  std::vector<float> data = testing::ClusteredVectors(n, 512, 100, 0.6, 1);
  ASSERT_TRUE(index.Add(NumberIds(0, n), data.data(), data.size()).ok());
  const double per_vector = double(index.MemoryBytes()) / double(n);
  // 512 code bytes, a 4-byte scale and list slot, 8 of sequence, 8 of place, ~17 of id and
  // table, plus the centroids shared by all.
  EXPECT_LT(per_vector, 600);
  EXPECT_GT(per_vector, 540);
}

}  // namespace
}  // namespace clipscope

namespace clipscope {
namespace {

// Pairs of (numeric) ids put in one group, smaller id first.
std::set<std::pair<double, double>> GroupedPairs(const std::vector<std::vector<ItemId>>& groups) {
  std::set<std::pair<double, double>> pairs;
  for (const auto& g : groups)
    for (size_t i = 0; i < g.size(); ++i)
      for (size_t j = i + 1; j < g.size(); ++j) {
        const double a = std::get<double>(g[i]), b = std::get<double>(g[j]);
        pairs.emplace(std::min(a, b), std::max(a, b));
      }
  return pairs;
}

TEST(IvfIndex, FindsTheExactScansNearDuplicatesFromNeighbouringLists) {
  const size_t n = IvfIndex::kTrainAt, d = 64;
  std::vector<float> data = testing::ClusteredVectors(n, d, 200, 0.6, 8);
  // One in ten a near copy of the one before it.
  for (size_t i = 10; i < n; i += 10)
    for (size_t j = 0; j < d; ++j)
      data[i * d + j] = data[(i - 1) * d + j] + 0.002f * std::sin(float(i + j));
  IvfOptions options;
  options.keep_floats = true;
  auto approx = IvfIndex::Create(d, options);
  auto exact = EmbeddingIndex::Create(d);
  ASSERT_TRUE(approx.value().Add(NumberIds(0, n), data.data(), data.size()).ok());
  ASSERT_TRUE(exact.value().Add(NumberIds(0, n), data.data(), data.size()).ok());
  ASSERT_TRUE(approx.value().trained());
  auto truth = exact.value().NearDuplicates(0.95f);
  auto found = approx.value().NearDuplicates(0.95f);
  ASSERT_TRUE(truth.ok() && found.ok());
  const auto want = GroupedPairs(truth.value()), got = GroupedPairs(found.value());
  ASSERT_GE(want.size(), n / 10 - 1);
  size_t kept = 0;
  for (const auto& p : want) kept += got.count(p);
  EXPECT_GE(double(kept) / double(want.size()), 0.99);
  for (const auto& p : got)
    EXPECT_TRUE(want.count(p)) << p.first << " " << p.second;  // verified exactly
  EXPECT_EQ(approx.value().NearDuplicates(2).status().message(),
            "threshold must be a cosine between -1 and 1, got 2.000000");
}

}  // namespace
}  // namespace clipscope
