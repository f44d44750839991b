#include "image_preprocess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "named_arrays.h"

namespace clipscope {
namespace {

using testing::NamedArray;
using testing::ReadNamedArrays;
using testing::ReferencePath;

PreprocessConfig ConfigFrom(std::map<std::string, NamedArray>& ref) {
  PreprocessConfig c;
  c.shortest_edge = int(ref["shortest_edge"].values[0]);
  c.resize_height = int(ref["resize_hw"].values[0]),
  c.resize_width = int(ref["resize_hw"].values[1]);
  c.resample = static_cast<ResampleFilter>(int(ref["resample"].values[0]));
  c.crop_height = int(ref["crop_hw"].values[0]), c.crop_width = int(ref["crop_hw"].values[1]);
  c.do_center_crop = c.crop_height > 0;
  c.rescale_factor = ref["rescale"].values[0];
  for (int i = 0; i < 3; ++i) {
    c.image_mean[i] = float(ref["mean"].values[i]), c.image_std[i] = float(ref["std"].values[i]);
  }
  return c;
}

std::vector<std::string> ReferenceCases() {
  std::vector<std::string> names;
  const std::filesystem::path dir = ReferencePath("preprocess");
  if (!std::filesystem::exists(dir)) return names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    // "<image>--<config>.arrays" files hold a pipeline case
    if (entry.path().extension() == ".arrays" && name.find("--") != std::string::npos)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ImagePreprocess, ReferenceCasesExist) {
  // tests/reference/make_preprocess_refs.py writes 24 cases; a missing run must not pass.
  EXPECT_GE(ReferenceCases().size(), 24u) << "run tests/reference/make_preprocess_refs.py";
}

TEST(ImagePreprocess, BitExactWithPillowAndNumpyOnEveryReferenceCase) {
  for (const std::string& name : ReferenceCases()) {
    auto ref = ReadNamedArrays(ReferencePath("preprocess/" + name));
    const NamedArray& input = ref["input"];
    const std::vector<uint8_t> pixels = input.Bytes();
    ImageView view{pixels.data(), int(input.shape[1]), int(input.shape[0]), int(input.shape[2]),
                   size_t(input.shape[1] * input.shape[2])};
    ImagePreprocessor preprocessor(ConfigFrom(ref));
    std::vector<uint8_t> rgb;
    int w, h;
    ASSERT_TRUE(preprocessor.RunToPixels(view, &rgb, &w, &h).ok()) << name;
    ASSERT_EQ(size_t(h), ref["pixels"].shape[0]) << name;
    ASSERT_EQ(size_t(w), ref["pixels"].shape[1]) << name;
    const std::vector<uint8_t> want = ref["pixels"].Bytes();
    size_t mismatches = 0;
    for (size_t i = 0; i < want.size(); ++i) mismatches += rgb[i] != want[i];
    EXPECT_EQ(mismatches, 0u) << name;
    std::vector<float> tensor(size_t(3) * w * h);
    ASSERT_TRUE(preprocessor.Run(view, tensor.data()).ok());
    const std::vector<float> expected = ref["tensor"].Floats();
    float worst = 0;
    for (size_t i = 0; i < expected.size(); ++i)
      worst = std::max(worst, std::fabs(tensor[i] - expected[i]));
    EXPECT_LE(worst, 1e-6f) << name;
  }
}

TEST(ImagePreprocess, StrideAndChannelLayoutsGiveTheSameResult) {
  // A 5x4 RGB image, then the same pixels as RGBA and with padded rows.
  std::vector<uint8_t> rgb(5 * 4 * 3), rgba(5 * 4 * 4), padded(4 * 20);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = uint8_t(i * 37 % 251);
  for (size_t p = 0; p < 20; ++p) {
    for (int c = 0; c < 3; ++c) rgba[p * 4 + c] = rgb[p * 3 + c];
    rgba[p * 4 + 3] = uint8_t(p);
  }
  for (int y = 0; y < 4; ++y) std::memcpy(&padded[y * 20], &rgb[y * 15], 15);
  PreprocessConfig config;
  config.shortest_edge = 3, config.crop_height = 3, config.crop_width = 3;
  ImagePreprocessor a(config), b(config), c(config);
  std::vector<float> out_a(27), out_b(27), out_c(27);
  ASSERT_TRUE(a.Run({rgb.data(), 5, 4, 3, 15}, out_a.data()).ok());
  ASSERT_TRUE(b.Run({rgba.data(), 5, 4, 4, 20}, out_b.data()).ok());
  ASSERT_TRUE(c.Run({padded.data(), 5, 4, 3, 20}, out_c.data()).ok());
  EXPECT_EQ(out_a, out_b);
  EXPECT_EQ(out_a, out_c);
}

TEST(ImagePreprocess, RejectsBadImagesAndConfigs) {
  PreprocessConfig config;
  config.max_pixels = 1000;
  ImagePreprocessor p(config);
  std::vector<uint8_t> pixels(3 * 40 * 40);
  std::vector<float> out(3 * 224 * 224);
  EXPECT_EQ(p.Run({pixels.data(), 0, 5, 3, 0}, out.data()).message(), "image is empty (0 x 5)");
  EXPECT_EQ(p.Run({pixels.data(), 40, 40, 3, 120}, out.data()).message(),
            "image of 40 x 40 pixels is above the limit of 1000 pixels");
  EXPECT_EQ(p.Run({pixels.data(), 10, 10, 2, 20}, out.data()).message(),
            "image has 2 channels; expected 1, 3 or 4");
  EXPECT_EQ(p.Run({pixels.data(), 10, 10, 3, 20}, out.data()).message(),
            "image row stride 20 is shorter than a row of 30 bytes");
  PreprocessConfig nearest;
  nearest.resample = static_cast<ResampleFilter>(0);
  EXPECT_EQ(ValidateConfig(nearest).message(),
            "preprocessor config: resample 0 is not supported (use 1 lanczos, 2 bilinear, 3 "
            "bicubic, 4 box or 5 hamming)");
  PreprocessConfig zero_std;
  zero_std.image_std[1] = 0;
  EXPECT_FALSE(ValidateConfig(zero_std).ok());
  EXPECT_TRUE(ValidateConfig(PreprocessConfig()).ok());
}

TEST(Resample, VerticalSimdPathEqualsScalarArithmeticOnEveryRowLength) {
  // Widths 1..20 cover the eight-byte SIMD body and every scalar tail.
  for (int width = 1; width <= 20; ++width) {
    std::vector<uint8_t> image(size_t(width) * 9);
    for (size_t i = 0; i < image.size(); ++i) image[i] = uint8_t((i * 97 + 13) % 256);
    ResampleScratch scratch;
    Resample({image.data(), width, 9, 1, size_t(width)}, width, 4, ResampleFilter::kBicubic,
             &scratch);
    ResampleCoefficients co = ComputeCoefficients(9, 4, ResampleFilter::kBicubic);
    for (int yy = 0; yy < 4; ++yy) {
      for (int x = 0; x < width; ++x) {
        int32_t ss = 1 << 21;
        for (int y = 0; y < co.count[yy]; ++y) {
          ss += int32_t(image[size_t(co.first[yy] + y) * width + x]) * co.weights[yy * co.taps + y];
        }
        EXPECT_EQ(scratch.out[yy * width + x], uint8_t(std::clamp(ss >> 22, 0, 255)));
      }
    }
  }
}

TEST(Resample, AWindowEqualsThatPartOfTheWholeResize) {
  // Every pass combination (both, horizontal only, vertical only), every channel count, with
  // and without alpha, and windows at the edges and inside: the window's pixels are those of
  // the whole resize.
  struct Case {
    int in_w, in_h, out_w, out_h;
  };
  for (const Case& size :
       {Case{37, 29, 16, 11}, Case{37, 29, 37, 11}, Case{37, 29, 16, 29}, Case{9, 7, 23, 19}}) {
    for (int channels : {1, 3, 4}) {
      std::vector<uint8_t> image(size_t(size.in_w) * size.in_h * channels);
      for (size_t i = 0; i < image.size(); ++i) image[i] = uint8_t((i * 151 + 7) % 256);
      const ImageView in{image.data(), size.in_w, size.in_h, channels,
                         size_t(size.in_w) * channels};
      ResampleScratch whole, part;
      Resample(in, size.out_w, size.out_h, ResampleFilter::kBicubic, &whole);
      for (ResampleWindow w : {ResampleWindow{0, 0, size.out_w, size.out_h},
                               ResampleWindow{3, 2, size.out_w - 5, size.out_h - 4},
                               ResampleWindow{size.out_w - 1, size.out_h - 1, 1, 1},
                               ResampleWindow{0, 5, 4, size.out_h - 5}}) {
        for (bool drop_alpha : {false, true}) {
          const int got =
              Resample(in, size.out_w, size.out_h, ResampleFilter::kBicubic, &part, w, drop_alpha);
          // Alpha goes only where the width changes (the first pass runs).
          const int want = drop_alpha && channels == 4 && size.out_w != size.in_w ? 3 : channels;
          ASSERT_EQ(got, want);
          ASSERT_EQ(part.out.size(), size_t(w.width) * w.height * got);
          for (int y = 0; y < w.height; ++y) {
            for (int x = 0; x < w.width; ++x) {
              for (int ch = 0; ch < got; ++ch) {
                ASSERT_EQ(part.out[(size_t(y) * w.width + x) * got + ch],
                          whole.out[(size_t(y + w.top) * size.out_w + w.left + x) * channels + ch])
                    << size.in_w << "x" << size.in_h << " -> " << size.out_w << "x" << size.out_h
                    << " channels " << channels << " drop alpha " << drop_alpha << " window "
                    << w.left << "," << w.top << " " << w.width << "x" << w.height << " at " << x
                    << "," << y << "," << ch;
              }
            }
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace clipscope
