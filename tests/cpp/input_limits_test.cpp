// Every number that reaches the core from outside is checked against its bound in
// size_limits.h (the message states it), and values near 2^31 / 2^32 are errors or exact
// results, never wrapped into other values.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "clip_tokenizer.h"
#include "cluster_analysis.h"
#include "crc32.h"
#include "embedding_index.h"
#include "image_preprocess.h"
#include "kmeans.h"
#include "size_limits.h"
#include "utf8.h"

namespace clipscope {
namespace {

TEST(InputLimits, KMeansParametersAboveTheirBoundsAreRefusedWithTheBound) {
  const std::vector<float> x(8 * 2, 1.0f);
  auto message = [&](size_t k, KMeansOptions options) {
    return KMeans(x.data(), 8, 2, k, options).status().message();
  };
  KMeansOptions options;
  const std::vector<float> many(kMaxClusters + 2, 1.0f);
  EXPECT_EQ(KMeans(many.data(), many.size(), 1, kMaxClusters + 1, options).status().message(),
            "k must be at most 65536, got 65537");
  options.max_iter = kMaxIterations + 1;
  EXPECT_EQ(message(2, options), "maxIter must be at most 100000, got 100001");
  options = {};
  options.n_init = kMaxInits + 1;
  EXPECT_EQ(message(2, options), "nInit must be at most 1000, got 1001");
  options = {};
  options.mini_batch = kMaxMiniBatch + 1;
  EXPECT_EQ(message(2, options), "miniBatch must be at most 16777216, got 16777217");
  EXPECT_EQ(AutoK(x.data(), 8, 2, 2, kMaxClusters + 1, {}, 0).status().message(),
            "kMax must be at most 65536, got 65537");
}

TEST(InputLimits, SilhouetteLabelsNearTwoToThe31ScoreAsTheirRenumbering) {
  const std::vector<float> x = {0, 0, 0, 1, 5, 5, 5, 6, 9, 9};
  const std::vector<int32_t> small = {0, 0, 1, 1, 1},
                             huge = {7, 7, INT32_MAX, INT32_MAX, INT32_MAX};
  const double expected = Silhouette(x.data(), 5, 2, small.data(), {}).value();
  EXPECT_EQ(Silhouette(x.data(), 5, 2, huge.data(), {}).value(), expected);
}

TEST(InputLimits, IndexBoundsOnDimensionRerankPoolAndK) {
  EXPECT_EQ(EmbeddingIndex::Create(kMaxDim + 1).status().message(),
            "dimension must be between 1 and 65536, got 65537");
  EXPECT_EQ(EmbeddingIndex::Create(4, {Storage::kInt8, kMaxRerankPool + 1}).status().message(),
            "rerankPool must be at most 1048576, got 1048577");
  EmbeddingIndex index = EmbeddingIndex::Create(2).value();
  const std::vector<float> v = {1, 0, 0, 1};
  ASSERT_TRUE(index.Add({ItemId(1.0), ItemId(2.0)}, v.data(), 4).ok());
  EXPECT_EQ(index.Search(v.data(), 2, int(kMaxSearchK) + 1).status().message(),
            "k must be at most 16777216, got 16777217");
  // A k far above the items costs nothing: memory follows the candidates.
  EXPECT_EQ(index.Search(v.data(), 2, int(kMaxSearchK)).value().ids.size(), 2u);
}

TEST(InputLimits, StringIdsMustBeValidUtf8InBatchesAndSavedFiles) {
  EmbeddingIndex index = EmbeddingIndex::Create(2).value();
  const std::vector<float> v = {1, 0};
  EXPECT_EQ(index.Add({ItemId(std::string("\xc3\x28"))}, v.data(), 2).message(),
            "id 0 is not valid UTF-8 text");
  EXPECT_EQ(index.Add({ItemId(std::string("\xed\xa0\x80"))}, v.data(), 2).message(),
            "id 0 is not valid UTF-8 text");  // an encoded surrogate
  ASSERT_TRUE(index.Add({ItemId(std::string("ab"))}, v.data(), 2).ok());
  std::vector<uint8_t> bytes = index.Serialize();
  const auto at = std::search(bytes.begin(), bytes.end(), std::begin("ab"), std::begin("ab") + 2);
  at[0] = 0xC3, at[1] = 0x28;
  const uint32_t crc = Crc32(bytes.data(), bytes.size() - 4);
  std::memcpy(bytes.data() + bytes.size() - 4, &crc, 4);
  EXPECT_EQ(EmbeddingIndex::Deserialize(bytes.data(), bytes.size()).status().message(),
            "index data is corrupt: id 0 is not valid UTF-8 text");
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xf0\x9f\x93\xb7"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(InputLimits, PreprocessingSizesAreBoundedBeforeAnyBufferIsSized) {
  PreprocessConfig config;
  config.crop_height = 33554433;  // 256 x this wraps to 256 x 1 in 32-bit arithmetic
  config.crop_width = 256;
  EXPECT_EQ(ValidateConfig(config).message(),
            "preprocessor config: sizes must be at most 4096 pixels, got 33554433");
  config = {};
  config.max_pixels = kMaxImagePixels + 1;
  EXPECT_EQ(ValidateConfig(config).message(),
            "preprocessor config: maxPixels must be between 1 and 268435456, got 268435457");
  EXPECT_EQ(CheckImageSize(65536, 1).message(),
            "image of 65536 x 1 pixels has a side above the limit of 65535");
  EXPECT_EQ(CheckImageSize(0, 5).message(), "image is empty (0 x 5)");
  // A 1 x 65535 image resized to a shortest edge of 4096 asks for 4096 x 268431360: computed
  // without overflow, then refused by the pixel limit instead of wrapping.
  config = {};
  int w = 0, h = 0;
  config.shortest_edge = 4096, config.do_center_crop = false;
  ResizedSize(config, 1, 65535, &w, &h);
  EXPECT_EQ(w, 4096);
  EXPECT_EQ(h, 268431360);
  ImagePreprocessor preprocessor(config);
  const std::vector<uint8_t> pixels(65535, 7);
  std::vector<uint8_t> rgb;
  EXPECT_EQ(preprocessor.RunToPixels({pixels.data(), 1, 65535, 1, 1}, &rgb, &w, &h).message(),
            "resized image of 4096 x 268431360 pixels is above the limit");
}

TEST(InputLimits, TokenizerMergeCountIsBounded) {
  EXPECT_EQ(ClipTokenizer::FromMerges("a b\n", kMaxMerges + 1).status().message(),
            "merge count must be at most 1048576, got 1048577");
}

TEST(InputLimits, CheckedProductDetectsWrap) {
  size_t out = 0;
  EXPECT_TRUE(CheckedProduct(1u << 16, 1u << 15, &out));
  EXPECT_EQ(out, size_t(1) << 31);
  EXPECT_FALSE(CheckedProduct(std::numeric_limits<size_t>::max() / 2 + 1, 2, &out));
}

}  // namespace
}  // namespace clipscope
