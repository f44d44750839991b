// The Hugging Face CLIPImageProcessor pipeline (its PIL path) on 8-bit pixels:
// convert to RGB, resize (Pillow-exact), center crop, rescale, normalise, to CHW float32.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "resample.h"
#include "status.h"

namespace clipscope {

// The fields of a preprocessor_config.json that the pipeline reads (lib/ parses the JSON).
struct PreprocessConfig {
  bool do_resize = true;
  // Resize so the shorter side is shortest_edge (aspect kept), or, when shortest_edge is 0,
  // to exactly resize_height x resize_width (SigLIP-style configs).
  int shortest_edge = 224;
  int resize_height = 0, resize_width = 0;
  ResampleFilter resample = ResampleFilter::kBicubic;
  bool do_center_crop = true;
  int crop_height = 224, crop_width = 224;
  bool do_rescale = true;
  double rescale_factor = 1.0 / 255.0;
  bool do_normalize = true;
  float image_mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
  float image_std[3] = {0.26862954f, 0.26130258f, 0.27577711f};
  // Images with more pixels are refused (decompression bombs, memory).
  uint64_t max_pixels = 100'000'000;
};

// Output height and width of an image of the given size.
void ResizedSize(const PreprocessConfig& config, int width, int height, int* out_width,
                 int* out_height);
void OutputSize(const PreprocessConfig& config, int width, int height, int* out_width,
                int* out_height);

// Fails on an empty image or a side above kMaxImageSide (size_limits.h).
Status CheckImageSize(int width, int height);

// Checks a config's numbers (sizes > 0, std != 0, a supported filter, ...).
Status ValidateConfig(const PreprocessConfig& config);

// One image's preprocessing worked out before a pixel is read (checks, sizes, crop, the
// resize's coefficients), so that running it allocates nothing and can go to any thread.
struct PreprocessPlan {
  int width = 0, height = 0;  // of the output
  int top = 0, left = 0;      // the crop's corner in the resized image (negative: padding)
  int resized_width = 0, resized_height = 0;  // the resize's output, before the crop
  ResampleWindow inside;                      // the part of the resized image inside the crop
  bool resized = false;
  ResamplePlan resample;  // when resized
  // Floats from one channel's plane of the tensor to the next: the whole image's, also in a
  // plan of some of its rows.
  size_t plane_floats = 0;
  bool Padded() const { return inside.width != width || inside.height != height; }
};

// Checks the image (empty, too large, channels 1/3/4, stride) and plans its preprocessing.
Status PlanPreprocess(const PreprocessConfig& config, const ImageView& image, PreprocessPlan* plan);

// The output rows [y0, y1) of a planned image (0 <= y0 < y1 <= whole.height), planned alone
// so that another thread can compute them: written from `out` + y0 rows into the whole
// image's rows and planes, the same floats as the whole plan's (its coefficients, nothing
// computed again). The resize reads only the input rows they need, a few more than their
// share where bands meet.
PreprocessPlan PlanRows(const PreprocessPlan& whole, int y0, int y1);

// The rescaled and normalised value of every 8-bit value of each channel (numpy's float types:
// float32(double(v) * factor), then (x - mean) / std in float32).
struct ChannelTables {
  float value[3][256];
};
ChannelTables NormalizationTables(const PreprocessConfig& config);

// Runs a plan: 3 x height x width floats (CHW, planes plan.plane_floats apart) to out.
// `horizontal` and `resized` hold plan.resample.HorizontalBytes() and OutBytes() (unused when
// not resized). Allocates nothing.
void RunPreprocessPlan(const PreprocessPlan& plan, const ImageView& image,
                       const ChannelTables& tables, uint8_t* horizontal, uint8_t* resized,
                       float* out);

class ImagePreprocessor {
 public:
  explicit ImagePreprocessor(const PreprocessConfig& config)
      : config_(config), tables_(NormalizationTables(config)) {}

  // Writes 3 x out_height x out_width floats (CHW) to out. When the config crops, every
  // image gives the same size (crop_height x crop_width): a batch tensor's slot i is
  // out + i * 3 * crop_height * crop_width. Fails on an empty or too large image, channels
  // other than 1 (gray), 3 (RGB) or 4 (RGBA: alpha dropped, as PIL's convert("RGB")), or a
  // stride shorter than a row.
  Status Run(const ImageView& image, float* out);

  // The 8-bit RGB image after resize and crop (height x width x 3), for parity tests.
  Status RunToPixels(const ImageView& image, std::vector<uint8_t>* rgb, int* width, int* height);

  const PreprocessConfig& config() const { return config_; }

 private:
  PreprocessConfig config_;
  ChannelTables tables_;
  ResampleScratch scratch_;  // reused: no allocation per image once warmed up
};

}  // namespace clipscope
