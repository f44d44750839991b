// Pillow's resampling of 8-bit images, reproduced bit for bit: separable convolution with
// Pillow's filters and supports, coefficients normalised to 22-bit fixed point, each pass
// rounded and clipped to 8 bits (libImaging/Resample.c).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipscope {

// Pillow's filter numbers (PIL.Image.Resampling).
enum class ResampleFilter : int {
  kLanczos = 1,
  kBilinear = 2,
  kBicubic = 3,
  kBox = 4,
  kHamming = 5,
};

bool IsSupportedFilter(int filter);

// Fixed-point weights of one resampling direction: output i reads `count[i]` inputs from
// `first[i]` with weights `weights[i * taps ...]`.
struct ResampleCoefficients {
  int taps = 0;
  std::vector<int> first, count;
  std::vector<int32_t> weights;
};

// in_size -> out_size over the whole input (Pillow's box = (0, in_size)).
ResampleCoefficients ComputeCoefficients(int in_size, int out_size, ResampleFilter filter);

// An 8-bit image: height rows of width pixels of `channels` bytes, rows `stride` bytes apart.
struct ImageView {
  const uint8_t* pixels = nullptr;
  int width = 0, height = 0, channels = 0;
  size_t stride = 0;
};

// Reusable buffers, so resizing many images does not allocate per image.
struct ResampleScratch {
  std::vector<uint8_t> horizontal, out;
};

// The part of a resized image that is wanted: columns [left, left + width) and rows
// [top, top + height) of the out_width x out_height result, inside it.
struct ResampleWindow {
  int left = 0, top = 0, width = 0, height = 0;
};

// Everything a resize computes before it reads a pixel (its coefficients, the rows it reads,
// its buffers' sizes), so that running it allocates nothing: plans are made on one thread and
// run on any.
struct ResamplePlan {
  int in_width = 0, in_height = 0, channels = 0, out_channels = 0;
  ResampleWindow window;
  bool horizontal_pass = false, vertical_pass = false;
  int row_first = 0, row_last = 0;            // the input rows the vertical pass reads
  size_t row_bytes = 0;                       // of one output row of the window
  ResampleCoefficients horizontal, vertical;  // vertical.first counts from row_first
  // The horizontal weights as pairs of int16 halves, for the SIMD pass (resample.cpp).
  int pairs = 0;
  std::vector<int16_t> pair_hi, pair_lo;

  size_t HorizontalBytes() const {
    return horizontal_pass ? row_bytes * size_t(row_last - row_first) : 0;
  }
  size_t OutBytes() const { return row_bytes * size_t(window.height); }
};

ResamplePlan PlanResample(int in_width, int in_height, int channels, int out_width, int out_height,
                          ResampleFilter filter, ResampleWindow window, bool drop_alpha = false);

// Narrows a plan to rows [top, top + height) of its window (a band of it, for another
// thread): the same coefficients, reading only the input rows those rows need.
void NarrowToRows(ResamplePlan* plan, int top, int height);

// Runs a plan on `in` (of the plan's size and channels): window.height rows of row_bytes go to
// `out` (OutBytes()), `horizontal` (HorizontalBytes()) holds the first pass. Allocates nothing.
void RunResample(const ResamplePlan& plan, const ImageView& in, uint8_t* horizontal, uint8_t* out);

// Resizes `in` to out_width x out_height like PIL's Image.resize with `filter` (each pass is
// skipped when its size is unchanged, as Pillow does), computing only `window`: every output
// pixel depends only on its own coefficients, so a cropped resize costs the crop, not the
// whole image. Output: window.height rows of window.width * channels bytes, in
// scratch->out, equal to those pixels of the whole resize. With `drop_alpha`, a 4-channel
// image that is resized in width comes out as its first 3 channels. Returns the channels.
int Resample(const ImageView& in, int out_width, int out_height, ResampleFilter filter,
             ResampleScratch* scratch, ResampleWindow window, bool drop_alpha = false);

// The whole resized image.
void Resample(const ImageView& in, int out_width, int out_height, ResampleFilter filter,
              ResampleScratch* scratch);

}  // namespace clipscope
