// Saving in pieces and loading from pieces (save_cursor.h, index_loaders.h): the pieces are the
// whole-buffer format cut at record boundaries, any split of them loads to the same index, and
// a cut-short, damaged or changed-during-save stream is refused with a clear error.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "embedding_index.h"
#include "index_loaders.h"
#include "ivf_index.h"
#include "test_data.h"

namespace clipscope {
namespace {

std::vector<ItemId> MixedIds(size_t n) {
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) {
    if (i % 3 == 0)
      ids.emplace_back("photo-" + std::to_string(i) + ".jpg");
    else
      ids.emplace_back(double(i) * 1.5);
  }
  return ids;
}

EmbeddingIndex Exact(Storage storage, size_t n) {
  EmbeddingIndex index = EmbeddingIndex::Create(24, {storage, 0}).value();
  std::vector<float> data = testing::RandomVectors(n, 24, 5);
  EXPECT_TRUE(index.Add(MixedIds(n), data.data(), data.size()).ok());
  return index;
}

IvfIndex Approximate(size_t n, bool keep_floats) {
  IvfIndex index = IvfIndex::Create(16, {0, 0, keep_floats, 0, 1}).value();
  std::vector<float> data = testing::ClusteredVectors(n, 16, 40, 0.5, 2);
  EXPECT_TRUE(index.Add(MixedIds(n), data.data(), data.size()).ok());
  return index;
}

// Every piece of the cursor, each checked to stay within max_bytes plus one record.
std::vector<std::vector<uint8_t>> Pieces(SaveCursor cursor, size_t max_bytes, size_t record_bytes) {
  std::vector<std::vector<uint8_t>> pieces;
  while (!cursor.done()) {
    auto piece = cursor.Next(max_bytes);
    EXPECT_TRUE(piece.ok());
    EXPECT_LT(piece.value().size(), max_bytes + record_bytes + 4);
    pieces.push_back(std::move(piece.value()));
  }
  EXPECT_TRUE(cursor.Next(max_bytes).value().empty());
  return pieces;
}

std::vector<uint8_t> Joined(const std::vector<std::vector<uint8_t>>& pieces) {
  std::vector<uint8_t> all;
  for (const auto& p : pieces) all.insert(all.end(), p.begin(), p.end());
  return all;
}

// Feeds `bytes` cut every `step` bytes; total_size as the loader is told.
template <typename Index>
Result<Index> LoadInSteps(const std::vector<uint8_t>& bytes, size_t step, uint64_t total_size) {
  typename Index::Loader loader(total_size);
  for (size_t at = 0; at < bytes.size(); at += step) {
    Status fed = loader.Feed(&bytes[at], std::min(step, bytes.size() - at));
    if (!fed.ok()) return fed;
  }
  return loader.Finish();
}

TEST(SavedPieces, ExactIndexPiecesJoinToTheWholeFormatAndLoadFromAnySplit) {
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = Exact(storage, 300);
    ASSERT_TRUE(index.Remove({3.0, ItemId(std::string("photo-9.jpg"))}).ok());
    const std::vector<uint8_t> whole = index.Serialize();
    auto pieces = Pieces(index.BeginSave(), 1000, 24 * 4);
    EXPECT_GT(pieces.size(), 10u);
    EXPECT_EQ(Joined(pieces), whole);
    for (size_t step : {size_t(1), size_t(7), size_t(97), size_t(4096), whole.size()}) {
      for (uint64_t total : {uint64_t(0), uint64_t(whole.size())}) {
        Result<EmbeddingIndex> loaded = LoadInSteps<EmbeddingIndex>(whole, step, total);
        ASSERT_TRUE(loaded.ok()) << loaded.status().message();
        EXPECT_EQ(loaded.value().Serialize(), whole);
      }
    }
  }
}

TEST(SavedPieces, ApproximateIndexPiecesJoinToTheWholeFormatAndLoadFromAnySplit) {
  for (bool keep_floats : {false, true}) {
    IvfIndex index = Approximate(IvfIndex::kTrainAt + 500, keep_floats);
    ASSERT_TRUE(index.trained());
    const std::vector<uint8_t> whole = index.Serialize();
    auto pieces = Pieces(index.BeginSave(), 64 << 10, 16 * 5 + 40);
    EXPECT_GT(pieces.size(), 10u);
    EXPECT_EQ(Joined(pieces), whole);
    for (size_t step : {size_t(13), size_t(65536), whole.size()}) {
      for (uint64_t total : {uint64_t(0), uint64_t(whole.size())}) {
        Result<IvfIndex> loaded = LoadInSteps<IvfIndex>(whole, step, total);
        ASSERT_TRUE(loaded.ok()) << loaded.status().message();
        EXPECT_EQ(loaded.value().Serialize(), whole);
      }
    }
  }
}

TEST(SavedPieces, AStreamCutShortSaysWhereItEnds) {
  const std::vector<uint8_t> whole = Exact(Storage::kFloat32, 10).Serialize();
  auto cut = [&](size_t keep) {
    return LoadInSteps<EmbeddingIndex>({whole.begin(), whole.begin() + keep}, 50, 0)
        .status()
        .message();
  };
  EXPECT_EQ(cut(20), "index data is corrupt: it ends inside its header, after 20 bytes");
  EXPECT_EQ(cut(50), "index data is corrupt: it ends after 1 of 10 ids");  // 16 + 9 bytes each
  EXPECT_EQ(cut(whole.size() - 4 - 96 * 3 - 10),
            "index data is corrupt: it ends after 6 of 10 vectors");
  EXPECT_EQ(cut(whole.size() - 2), "index data is corrupt: it ends before its checksum");
  IvfIndex approx = Approximate(IvfIndex::kTrainAt, false);
  const std::vector<uint8_t> saved = approx.Serialize();
  // The checksum and the last two items (41 and 52 bytes) take 97 bytes.
  EXPECT_EQ(LoadInSteps<IvfIndex>({saved.begin(), saved.end() - 100}, 4096, 0).status().message(),
            "index data is corrupt: it ends after 19997 of 20000 items");
  EXPECT_EQ(LoadInSteps<IvfIndex>({saved.begin(), saved.begin() + 500}, 4096, 0).status().message(),
            "index data is corrupt: it ends inside its centroids");
}

TEST(SavedPieces, DamageAndExtraBytesAreRefusedAndTheLoaderStaysFailed) {
  std::vector<uint8_t> whole = Exact(Storage::kInt8, 10).Serialize();
  std::vector<uint8_t> damaged = whole;
  damaged[whole.size() - 10] ^= 0x01;  // a code byte: only the checksum can tell
  EXPECT_EQ(LoadInSteps<EmbeddingIndex>(damaged, 64, 0).status().message(),
            "index data is corrupt: checksum mismatch (the data was truncated or altered)");
  std::vector<uint8_t> longer = whole;
  longer.push_back(0);
  EXPECT_EQ(LoadInSteps<EmbeddingIndex>(longer, 64, 0).status().message(),
            "index data is corrupt: 1 bytes follow the checksum");
  EmbeddingIndex::Loader loader;
  std::vector<uint8_t> not_an_index(40, 'x');
  EXPECT_EQ(loader.Feed(not_an_index.data(), 40).message(),
            "index data is corrupt: it does not start with the clipscope index magic \"CLIPSIDX\"");
  EXPECT_FALSE(loader.Feed(whole.data(), whole.size()).ok());
  EXPECT_FALSE(loader.Finish().ok());
}

TEST(SavedPieces, AHostileCountAllocatesOnlyWhatArrives) {
  // A header claiming 2^32 - 1 ids, then nothing: refused at Finish, nothing reserved from it.
  std::vector<uint8_t> header = Exact(Storage::kFloat32, 0).Serialize();
  header.resize(28);
  const uint64_t count = UINT32_MAX;
  std::memcpy(&header[20], &count, 8);
  EmbeddingIndex::Loader loader;
  ASSERT_TRUE(loader.Feed(header.data(), header.size()).ok());
  EXPECT_EQ(loader.Finish().status().message(),
            "index data is corrupt: it ends after 0 of 4294967295 ids");
  // Told the size, the same header is refused at once.
  EXPECT_EQ(LoadInSteps<EmbeddingIndex>(header, 28, 32).status().message(),
            "index data is corrupt: count 4294967295 does not fit in 32 bytes");
  // A string id longer than any record a loader waits for.
  std::vector<uint8_t> long_id = Exact(Storage::kFloat32, 1).Serialize();
  const uint32_t length = uint32_t(kMaxRecordBytes) + 1;
  long_id[28] = 1;
  std::memcpy(&long_id[29], &length, 4);
  EXPECT_EQ(LoadInSteps<EmbeddingIndex>(long_id, 1 << 20, 0).status().message(),
            "index data is corrupt: id 0 is 67108865 bytes long");
}

TEST(SavedPieces, ASaveRefusesToGoOnWhenTheIndexChanged) {
  EmbeddingIndex index = Exact(Storage::kFloat32, 50);
  SaveCursor cursor = index.BeginSave();
  ASSERT_TRUE(cursor.Next(100).ok());
  std::vector<float> one = testing::RandomVectors(1, 24, 1);
  ASSERT_TRUE(index.Add({ItemId(-1.0)}, one.data(), one.size()).ok());
  EXPECT_EQ(cursor.Next(100).status().message(),
            "the index changed while it was being saved; save it again");
  IvfIndex approx = Approximate(100, false);
  SaveCursor second = approx.BeginSave();
  ASSERT_TRUE(second.Next(100).ok());
  approx.Clear();
  EXPECT_FALSE(second.Next(100).ok());
}

}  // namespace
}  // namespace clipscope
