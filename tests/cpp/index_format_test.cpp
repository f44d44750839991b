#include <gtest/gtest.h>

#include <cstring>

#include "crc32.h"
#include "embedding_index.h"
#include "test_data.h"

namespace clipscope {
namespace {

EmbeddingIndex Sample(Storage storage) {
  EmbeddingIndex index = EmbeddingIndex::Create(5, {storage, 0}).value();
  std::vector<float> data = testing::RandomVectors(4, 5, 9);
  EXPECT_TRUE(index
                  .Add({ItemId(std::string("photo-1.jpg")), ItemId(2.5), ItemId(std::string("")),
                        ItemId(-7.0)},
                       data.data(), data.size())
                  .ok());
  return index;
}

TEST(IndexFormat, Crc32MatchesTheStandardCheckValue) {
  const char* check = "123456789";
  EXPECT_EQ(Crc32(reinterpret_cast<const uint8_t*>(check), 9), 0xCBF43926u);
}

TEST(IndexFormat, RoundTripIsBitExactForBothStorages) {
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = Sample(storage);
    ASSERT_TRUE(index.Remove({2.5}).ok());  // saved in insertion order despite the swap-remove
    std::vector<uint8_t> bytes = index.Serialize();
    Result<EmbeddingIndex> loaded = EmbeddingIndex::Deserialize(bytes.data(), bytes.size());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(loaded.value().size(), 3u);
    EXPECT_EQ(loaded.value().options().storage, storage);
    EXPECT_EQ(loaded.value().Serialize(), bytes);
    for (const ItemId& id :
         {ItemId(std::string("photo-1.jpg")), ItemId(std::string("")), ItemId(-7.0)}) {
      EXPECT_EQ(loaded.value().Get(id).value(), index.Get(id).value());
    }
    const float q[] = {1, 2, 3, 4, 5};
    Hits before = index.Search(q, 5, 3).value(), after = loaded.value().Search(q, 5, 3).value();
    EXPECT_EQ(before.ids, after.ids);
    EXPECT_EQ(before.scores, after.scores);
  }
}

TEST(IndexFormat, HeaderFieldsAreWhereTheFormatSays) {
  std::vector<uint8_t> bytes = Sample(Storage::kInt8).Serialize();
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 8), "CLIPSIDX");
  uint32_t version, dim;
  uint64_t count;
  std::memcpy(&version, &bytes[8], 4), std::memcpy(&dim, &bytes[12], 4);
  std::memcpy(&count, &bytes[20], 8);
  EXPECT_EQ(version, 1u);
  EXPECT_EQ(dim, 5u);
  EXPECT_EQ(bytes[16], 1);  // int8
  EXPECT_EQ(count, 4u);
}

TEST(IndexFormat, EveryByteFlipIsRejected) {
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    const std::vector<uint8_t> bytes = Sample(storage).Serialize();
    for (size_t at = 0; at < bytes.size(); ++at) {
      for (uint8_t mask : {0x01, 0x80, 0xFF}) {
        std::vector<uint8_t> bad = bytes;
        bad[at] ^= mask;
        Result<EmbeddingIndex> loaded = EmbeddingIndex::Deserialize(bad.data(), bad.size());
        ASSERT_FALSE(loaded.ok()) << "flip at " << at;
        ErrorCode code = loaded.status().code();
        EXPECT_TRUE(code == ErrorCode::kCorruptData || code == ErrorCode::kUnsupportedVersion)
            << loaded.status().message();
      }
    }
  }
}

TEST(IndexFormat, EveryTruncationIsRejected) {
  const std::vector<uint8_t> bytes = Sample(Storage::kFloat32).Serialize();
  for (size_t size = 0; size < bytes.size(); ++size) {
    Result<EmbeddingIndex> loaded = EmbeddingIndex::Deserialize(bytes.data(), size);
    ASSERT_FALSE(loaded.ok()) << "size " << size;
    EXPECT_EQ(loaded.status().code(), ErrorCode::kCorruptData);
  }
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(EmbeddingIndex::Deserialize(longer.data(), longer.size()).ok());
}

// Rewrites a field and re-seals the checksum: what a buggy writer (not line noise) produces.
std::vector<uint8_t> Resealed(std::vector<uint8_t> bytes, size_t at, const void* value, size_t n) {
  std::memcpy(&bytes[at], value, n);
  uint32_t crc = Crc32(bytes.data(), bytes.size() - 4);
  std::memcpy(&bytes[bytes.size() - 4], &crc, 4);
  return bytes;
}

TEST(IndexFormat, RejectsWellSealedButInconsistentData) {
  const std::vector<uint8_t> bytes = Sample(Storage::kFloat32).Serialize();
  auto message = [](const std::vector<uint8_t>& b) {
    return EmbeddingIndex::Deserialize(b.data(), b.size()).status().message();
  };
  const uint32_t version = 2;
  std::vector<uint8_t> newer = Resealed(bytes, 8, &version, 4);
  EXPECT_EQ(EmbeddingIndex::Deserialize(newer.data(), newer.size()).status().code(),
            ErrorCode::kUnsupportedVersion);
  EXPECT_EQ(message(newer), "index format version 2 is not supported; this build reads version 1");
  const uint64_t huge = uint64_t(1) << 60;
  EXPECT_EQ(message(Resealed(bytes, 20, &huge, 8)),
            "index data is corrupt: count 1152921504606846976 does not fit in " +
                std::to_string(bytes.size()) + " bytes");
  const uint32_t zero_dim = 0;
  EXPECT_EQ(message(Resealed(bytes, 12, &zero_dim, 4)),
            "index data is corrupt: dimension must be between 1 and 65536, got 0");
  const uint8_t storage = 7;
  EXPECT_EQ(message(Resealed(bytes, 16, &storage, 1)),
            "index data is corrupt: unknown storage type 7");
  const float not_unit = 3;
  EXPECT_EQ(message(Resealed(bytes, bytes.size() - 8, &not_unit, 4)),
            "index data is corrupt: vector 3 is not unit length");
  EXPECT_EQ(message(std::vector<uint8_t>(40, 0)),
            "index data is corrupt: it does not start with the clipscope index magic \"CLIPSIDX\"");
}

}  // namespace
}  // namespace clipscope
