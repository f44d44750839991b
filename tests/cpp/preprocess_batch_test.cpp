#include "preprocess_batch.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "thread_runner.h"

namespace clipscope {
namespace {

using testing::ScopedThreads;

struct TestImage {
  std::vector<uint8_t> pixels;
  ImageView view;
};

TestImage Pattern(int width, int height, int channels, size_t stride, uint32_t seed) {
  TestImage image;
  image.pixels.resize(stride * size_t(height) + 1);
  uint32_t s = seed * 2654435761u + 1;
  for (uint8_t& v : image.pixels) {
    s ^= s << 13, s ^= s >> 17, s ^= s << 5;
    v = uint8_t(s >> 24);
  }
  image.view = {image.pixels.data(), width, height, channels, stride};
  return image;
}

// Sizes and layouts that take every path: both passes, one pass, none (already 224 x 224),
// a crop larger than the image (padding), gray, RGB, RGBA, padded rows, and three bad images.
std::vector<TestImage> MixedBatch() {
  std::vector<TestImage> images;
  images.push_back(Pattern(640, 480, 3, 640 * 3, 1));
  images.push_back(Pattern(300, 224, 4, 300 * 4, 2));      // height kept: one pass
  images.push_back(Pattern(0, 10, 3, 30, 3));              // empty
  images.push_back(Pattern(224, 224, 3, 224 * 3 + 5, 4));  // no resize, padded rows
  images.push_back(Pattern(97, 1203, 1, 97, 5));           // gray, tall
  images.push_back(Pattern(50, 40, 2, 100, 6));            // two channels
  images.push_back(Pattern(1920, 1080, 4, 1920 * 4, 7));
  images.push_back(Pattern(33, 31, 3, 99, 8));
  images.push_back(Pattern(500, 20001, 3, 1500, 9));  // above the pixel limit
  images.push_back(Pattern(481, 641, 4, 481 * 4 + 3, 10));
  return images;
}

// Every image of the mixed batch through PreprocessBatch on 1, 2, 3 and 8 threads equals its
// own ImagePreprocessor::Run, bit for bit.
void ExpectBatchEqualsEachImageAlone(const PreprocessConfig& config) {
  std::vector<TestImage> images = MixedBatch();
  std::vector<ImageView> views;
  for (const TestImage& image : images) views.push_back(image.view);
  const size_t slot = size_t(3) * config.crop_height * config.crop_width;
  // Each image alone, as ImagePreprocessor runs it.
  std::vector<std::vector<float>> alone(views.size());
  std::vector<std::string> errors(views.size());
  for (size_t i = 0; i < views.size(); ++i) {
    ImagePreprocessor preprocessor(config);
    alone[i].assign(slot, -7.0f);
    Status status = preprocessor.Run(views[i], alone[i].data());
    errors[i] = status.ok() ? "" : status.message();
  }
  EXPECT_EQ(errors[2], "image is empty (0 x 10)");
  EXPECT_EQ(errors[5], "image has 2 channels; expected 1, 3 or 4");
  EXPECT_EQ(errors[8], "image of 500 x 20001 pixels is above the limit of 5000000 pixels");
  for (int threads : {1, 2, 3, 8}) {
    ScopedThreads scoped(threads);
    std::vector<float> out(slot * views.size(), -7.0f);  // a failed image's slot stays as it was
    std::vector<Status> statuses =
        PreprocessBatch(config, views.data(), views.size(), out.data(), slot);
    ASSERT_EQ(statuses.size(), views.size());
    for (size_t i = 0; i < views.size(); ++i) {
      EXPECT_EQ(statuses[i].ok() ? "" : statuses[i].message(), errors[i]) << threads << " " << i;
      EXPECT_EQ(0, std::memcmp(&out[i * slot], alone[i].data(), slot * sizeof(float)))
          << threads << " threads, image " << i;
    }
  }
}

TEST(PreprocessBatch, EveryImageEqualsItsOwnRunOnAnyNumberOfThreads) {
  PreprocessConfig config;
  config.max_pixels = 5'000'000;
  ExpectBatchEqualsEachImageAlone(config);
  // A crop wider than the resized image: black padding around it.
  config.shortest_edge = 200, config.crop_height = 230, config.crop_width = 260;
  ExpectBatchEqualsEachImageAlone(config);
}

// Every valid image of the mixed batch, computed in bands of rows of uneven heights (one row,
// an odd height, the rest), equals its whole plan's run. Returns how many bands were padding
// only (they need no resample buffers).
int ExpectRowsEqualTheWholeImage(const PreprocessConfig& config) {
  int padding_only = 0;
  const std::vector<TestImage> images = MixedBatch();
  const ChannelTables tables = NormalizationTables(config);
  for (size_t i = 0; i < images.size(); ++i) {
    const ImageView& image = images[i].view;
    PreprocessPlan whole;
    if (!PlanPreprocess(config, image, &whole).ok()) continue;
    const size_t floats = 3 * whole.plane_floats;
    std::vector<uint8_t> horizontal(whole.resample.HorizontalBytes());
    std::vector<uint8_t> resized(whole.resample.OutBytes());
    std::vector<float> want(floats, -7.0f), got(floats, -7.0f);
    RunPreprocessPlan(whole, image, tables, horizontal.data(), resized.data(), want.data());
    const int cuts[] = {0, 1, 4, 4 + whole.height / 3, whole.height};
    for (size_t b = 0; b + 1 < std::size(cuts); ++b) {
      const PreprocessPlan band = PlanRows(whole, cuts[b], cuts[b + 1]);
      EXPECT_EQ(band.height, cuts[b + 1] - cuts[b]);
      EXPECT_LE(band.resample.HorizontalBytes(), whole.resample.HorizontalBytes());
      if (band.inside.height <= 0) {
        EXPECT_EQ(band.resample.HorizontalBytes() + band.resample.OutBytes(), 0u);
        ++padding_only;
      }
      horizontal.assign(band.resample.HorizontalBytes(), 0);
      resized.assign(band.resample.OutBytes(), 0);
      RunPreprocessPlan(band, image, tables, horizontal.data(), resized.data(),
                        got.data() + size_t(cuts[b]) * size_t(whole.width));
    }
    EXPECT_EQ(got, want) << "image " << i;
  }
  return padding_only;
}

TEST(PreprocessBatch, RowsOfAnImageEqualThoseOfTheWholeImage) {
  PreprocessConfig config;
  config.max_pixels = 5'000'000;
  EXPECT_EQ(ExpectRowsEqualTheWholeImage(config), 0);
  config.shortest_edge = 200, config.crop_height = 230, config.crop_width = 260;  // padding
  EXPECT_GT(ExpectRowsEqualTheWholeImage(config), 0);
}

TEST(PreprocessBatch, AFewLargeImagesAreCutIntoBandsThatEveryThreadShares) {
  std::vector<TestImage> images;
  images.push_back(Pattern(1920, 1080, 3, 1920 * 3, 1));
  images.push_back(Pattern(1920, 1080, 3, 1920 * 3, 2));
  const ImageView views[] = {images[0].view, images[1].view};
  const size_t slot = 3 * 224 * 224;
  std::vector<float> out(2 * slot);
  {
    ScopedThreads scoped(1);
    EXPECT_EQ(PreprocessBatchJob(PreprocessConfig(), views, 2, out.data(), slot).pieces(), 2u);
  }
  {
    // Each image is half the work, eight ranges' (of 16): cut at two bands per thread, 4.
    ScopedThreads scoped(2);
    EXPECT_EQ(PreprocessBatchJob(PreprocessConfig(), views, 2, out.data(), slot).pieces(), 8u);
  }
  {
    // Four images of 1080p on 2 threads: each is four ranges' work: four bands.
    std::vector<ImageView> four = {views[0], views[1], views[0], views[1]};
    std::vector<float> four_out(4 * slot);
    ScopedThreads scoped(2);
    EXPECT_EQ(
        PreprocessBatchJob(PreprocessConfig(), four.data(), 4, four_out.data(), slot).pieces(),
        16u);
  }
  // On 8 threads, at most 224 / 16 = 14 bands an image.
  ScopedThreads scoped(8);
  EXPECT_EQ(PreprocessBatchJob(PreprocessConfig(), views, 2, out.data(), slot).pieces(), 28u);
  EXPECT_EQ(PreprocessBatchJob(PreprocessConfig(), views, 1, out.data(), slot).pieces(), 14u);
}

TEST(PreprocessBatch, AStartedBatchRunsWhileTheNextIsPlanned) {
  // As the bindings do: batch A runs on the other threads while batch B is planned here.
  PreprocessConfig config;
  config.max_pixels = 5'000'000;
  std::vector<TestImage> images = MixedBatch();
  std::vector<ImageView> views;
  for (const TestImage& image : images) views.push_back(image.view);
  const size_t slot = 3 * 224 * 224, half = views.size() / 2;
  std::vector<float> alone(slot * views.size(), -7.0f);
  const std::vector<Status> want =
      PreprocessBatch(config, views.data(), views.size(), alone.data(), slot);
  for (int threads : {1, 2, 3}) {
    ScopedThreads scoped(threads);
    std::vector<float> out(slot * views.size(), -7.0f);
    PreprocessBatchJob first(config, views.data(), half, out.data(), slot);
    first.Start();
    PreprocessBatchJob second(config, views.data() + half, views.size() - half,
                              out.data() + half * slot, slot);
    first.Finish();
    second.Start();
    second.Finish();
    EXPECT_EQ(out, alone) << threads << " threads";
    for (size_t i = 0; i < views.size(); ++i) {
      const Status& got = i < half ? first.statuses()[i] : second.statuses()[i - half];
      EXPECT_EQ(got.ok(), want[i].ok()) << i;
    }
  }
}

TEST(PreprocessBatch, AnImageOfAnotherOutputSizeFailsAlone) {
  PreprocessConfig config;
  config.do_center_crop = false;  // the output keeps the aspect: sizes differ
  std::vector<TestImage> images;
  images.push_back(Pattern(448, 448, 3, 448 * 3, 1));
  images.push_back(Pattern(448, 300, 3, 448 * 3, 2));
  images.push_back(Pattern(224, 224, 3, 224 * 3, 3));
  std::vector<ImageView> views{images[0].view, images[1].view, images[2].view};
  ScopedThreads scoped(2);
  std::vector<float> out(3 * 3 * 224 * 224);
  std::vector<Status> statuses =
      PreprocessBatch(config, views.data(), 3, out.data(), 3 * 224 * 224);
  EXPECT_TRUE(statuses[0].ok());
  EXPECT_EQ(statuses[1].message(), "image gives 334 x 224 pixels, not the batch's size");
  EXPECT_TRUE(statuses[2].ok());
}

TEST(PreprocessBatch, AnEmptyBatchDoesNothing) {
  ScopedThreads scoped(2);
  EXPECT_TRUE(PreprocessBatch(PreprocessConfig(), nullptr, 0, nullptr, 3 * 224 * 224).empty());
}

}  // namespace
}  // namespace clipscope
