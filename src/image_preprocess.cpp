#include "image_preprocess.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "size_limits.h"

namespace clipscope {
namespace {

std::string Str(uint64_t n) { return std::to_string(n); }

}  // namespace

void ResizedSize(const PreprocessConfig& config, int width, int height, int* out_width,
                 int* out_height) {
  if (!config.do_resize) {
    *out_width = width, *out_height = height;
  } else if (config.shortest_edge > 0) {
    // transformers' get_resize_output_image_size: the long side is int(size * long / short).
    const int short_side = std::min(width, height), long_side = std::max(width, height);
    const int new_short = config.shortest_edge;
    // Sides within kMaxImageSide and kMaxOutputSide keep this below 2^28; the clamp guards
    // callers that skipped the check.
    const int64_t scaled = int64_t(double(int64_t(new_short) * long_side) / short_side);
    const int new_long = int(std::min<int64_t>(scaled, std::numeric_limits<int>::max()));
    *out_width = width <= height ? new_short : new_long;
    *out_height = width <= height ? new_long : new_short;
  } else {
    *out_width = config.resize_width, *out_height = config.resize_height;
  }
}

void OutputSize(const PreprocessConfig& config, int width, int height, int* out_width,
                int* out_height) {
  ResizedSize(config, width, height, out_width, out_height);
  if (config.do_center_crop) *out_width = config.crop_width, *out_height = config.crop_height;
}

Status ValidateConfig(const PreprocessConfig& c) {
  auto bad = [](const std::string& why) {
    return Status(ErrorCode::kInvalidArgument, "preprocessor config: " + why);
  };
  if (c.do_resize && c.shortest_edge <= 0 && (c.resize_height <= 0 || c.resize_width <= 0)) {
    return bad("size needs shortest_edge, or height and width, above 0");
  }
  for (int side : {c.shortest_edge, c.resize_height, c.resize_width, c.crop_height, c.crop_width}) {
    if (side > kMaxOutputSide) {
      return bad("sizes must be at most " + std::to_string(kMaxOutputSide) + " pixels, got " +
                 std::to_string(side));
    }
  }
  if (c.max_pixels == 0 || c.max_pixels > kMaxImagePixels) {
    return bad("maxPixels must be between 1 and " + Str(kMaxImagePixels) + ", got " +
               Str(c.max_pixels));
  }
  if (c.do_resize && !IsSupportedFilter(int(c.resample))) {
    return bad("resample " + std::to_string(int(c.resample)) +
               " is not supported (use 1 lanczos, 2 bilinear, 3 bicubic, 4 box or 5 hamming)");
  }
  if (c.do_center_crop && (c.crop_height <= 0 || c.crop_width <= 0)) {
    return bad("crop_size must be above 0");
  }
  if (c.do_normalize) {
    for (int i = 0; i < 3; ++i) {
      if (!std::isfinite(c.image_mean[i]) || !std::isfinite(c.image_std[i]) ||
          c.image_std[i] == 0) {
        return bad("image_mean and image_std must be finite, and image_std not 0");
      }
    }
  }
  if (c.do_rescale && !std::isfinite(c.rescale_factor)) return bad("rescale_factor must be finite");
  return Status::Ok();
}

Status CheckImageSize(int width, int height) {
  if (width <= 0 || height <= 0) {
    return Status(ErrorCode::kInvalidArgument, "image is empty (" + std::to_string(width) + " x " +
                                                   std::to_string(height) + ")");
  }
  if (width > kMaxImageSide || height > kMaxImageSide) {
    return Status(ErrorCode::kInvalidArgument,
                  "image of " + std::to_string(width) + " x " + std::to_string(height) +
                      " pixels has a side above the limit of " + std::to_string(kMaxImageSide));
  }
  return Status::Ok();
}

namespace {

Status CheckImage(const PreprocessConfig& config, const ImageView& image) {
  if (!image.pixels) return Status(ErrorCode::kInvalidArgument, "image has no pixels");
  Status size = CheckImageSize(image.width, image.height);
  if (!size.ok()) return size;
  if (uint64_t(image.width) * uint64_t(image.height) > config.max_pixels) {
    return Status(ErrorCode::kInvalidArgument,
                  "image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                      " pixels is above the limit of " + Str(config.max_pixels) + " pixels");
  }
  if (image.channels != 1 && image.channels != 3 && image.channels != 4) {
    return Status(ErrorCode::kInvalidArgument,
                  "image has " + std::to_string(image.channels) + " channels; expected 1, 3 or 4");
  }
  if (image.stride < size_t(image.width) * image.channels) {
    return Status(ErrorCode::kInvalidArgument,
                  "image row stride " + Str(image.stride) + " is shorter than a row of " +
                      Str(uint64_t(image.width) * image.channels) + " bytes");
  }
  return Status::Ok();
}

// Calls pixel(y, x, p) for every output pixel inside the resized image, p its first byte
// (`channels` of them); padding pixels are left to the caller.
template <class Pixel>
void ForEachCropPixel(const PreprocessPlan& plan, const uint8_t* src, size_t stride, int channels,
                      const Pixel& pixel) {
  const ResampleWindow& in = plan.inside;
  for (int y = in.top - plan.top; y < in.top + in.height - plan.top; ++y) {
    const uint8_t* row = src + size_t(y + plan.top - in.top) * stride;
    for (int x = in.left - plan.left; x < in.left + in.width - plan.left; ++x)
      pixel(y, x, row + size_t(x + plan.left - in.left) * channels);
  }
}

// The resized crop (or the image itself when not resized): its first byte, row stride and
// channels.
const uint8_t* CropSource(const PreprocessPlan& plan, const ImageView& image, uint8_t* horizontal,
                          uint8_t* resized, size_t* stride, int* channels) {
  if (!plan.resized) {
    *stride = image.stride, *channels = image.channels;
    return image.pixels + size_t(plan.inside.top) * image.stride +
           size_t(plan.inside.left) * image.channels;
  }
  RunResample(plan.resample, image, horizontal, resized);
  *stride = plan.resample.row_bytes, *channels = plan.resample.out_channels;
  return resized;
}

}  // namespace

Status PlanPreprocess(const PreprocessConfig& config, const ImageView& image,
                      PreprocessPlan* plan) {
  // 1. Resize with Pillow's arithmetic (gray keeps its one channel through the resize, RGBA
  //    loses alpha in the first pass; channels are independent, so converting to RGB
  //    afterwards is the same).
  // 2. Center crop as transformers: offsets (size - crop) // 2, zero padding when the crop is
  //    larger than the image. 3. Convert to RGB: gray is repeated, alpha dropped.
  Status valid = CheckImage(config, image);
  if (!valid.ok()) return valid;
  int rw, rh;
  ResizedSize(config, image.width, image.height, &rw, &rh);
  if (uint64_t(rw) * uint64_t(rh) > config.max_pixels) {
    return Status(ErrorCode::kInvalidArgument, "resized image of " + std::to_string(rw) + " x " +
                                                   std::to_string(rh) +
                                                   " pixels is above the limit");
  }
  int ow = rw, oh = rh, top = 0, left = 0;
  if (config.do_center_crop) {
    ow = config.crop_width, oh = config.crop_height;
    top = (rh - oh) >= 0 ? (rh - oh) / 2 : -int(std::ceil((oh - rh) / 2.0));
    left = (rw - ow) >= 0 ? (rw - ow) / 2 : -int(std::ceil((ow - rw) / 2.0));
  }
  // Only the part of the resized image inside the crop is computed (or read).
  const int x0 = std::max(left, 0), x1 = std::min(left + ow, rw);
  const int y0 = std::max(top, 0), y1 = std::min(top + oh, rh);
  plan->width = ow, plan->height = oh, plan->top = top, plan->left = left;
  plan->resized_width = rw, plan->resized_height = rh;
  plan->inside = {x0, y0, x1 - x0, y1 - y0};
  plan->resized = rw != image.width || rh != image.height;
  if (plan->resized) {
    plan->resample = PlanResample(image.width, image.height, image.channels, rw, rh,
                                  config.resample, plan->inside, /*drop_alpha=*/true);
  }
  plan->plane_floats = size_t(ow) * size_t(oh);
  return Status::Ok();
}

PreprocessPlan PlanRows(const PreprocessPlan& whole, int y0, int y1) {
  PreprocessPlan plan = whole;
  plan.height = y1 - y0, plan.top = whole.top + y0;
  const int top = std::max(plan.top, 0);
  const int bottom = std::min(plan.top + plan.height, whole.resized_height);
  plan.inside.top = top, plan.inside.height = std::max(bottom - top, 0);
  if (plan.inside.height <= 0) {
    plan.resample = ResamplePlan();  // padding only: nothing to resample, no buffers for it
    plan.resized = false;
  } else if (plan.resized) {
    NarrowToRows(&plan.resample, plan.inside.top, plan.inside.height);  // the copy, in place
  }
  return plan;
}

ChannelTables NormalizationTables(const PreprocessConfig& config) {
  ChannelTables tables;
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      float x = config.do_rescale ? float(double(v) * config.rescale_factor) : float(v);
      if (config.do_normalize) x = (x - config.image_mean[c]) / config.image_std[c];
      tables.value[c][v] = x;
    }
  }
  return tables;
}

void RunPreprocessPlan(const PreprocessPlan& plan, const ImageView& image,
                       const ChannelTables& tables, uint8_t* horizontal, uint8_t* resized,
                       float* out) {
  // 4. Rescale and normalise through the tables, written channel-first.
  const size_t plane = plan.plane_floats, row = size_t(plan.width);
  const float* t0 = tables.value[0];
  const float* t1 = tables.value[1];
  const float* t2 = tables.value[2];
  if (plan.Padded()) {  // padding is black: value 0 of each channel
    for (size_t y = 0; y < size_t(plan.height); ++y) {
      float* at = out + y * row;
      std::fill(at, at + plan.width, t0[0]);
      std::fill(at + plane, at + plane + plan.width, t1[0]);
      std::fill(at + 2 * plane, at + 2 * plane + plan.width, t2[0]);
    }
  }
  if (plan.inside.height <= 0) return;  // rows of padding only
  size_t stride;
  int c;
  const uint8_t* src = CropSource(plan, image, horizontal, resized, &stride, &c);
  const int green = c == 1 ? 0 : 1, blue = c == 1 ? 0 : 2;
  ForEachCropPixel(plan, src, stride, c, [&](int y, int x, const uint8_t* p) {
    const size_t i = size_t(y) * row + size_t(x);
    out[i] = t0[p[0]];
    out[plane + i] = t1[p[green]];
    out[2 * plane + i] = t2[p[blue]];
  });
}

Status ImagePreprocessor::RunToPixels(const ImageView& image, std::vector<uint8_t>* rgb, int* width,
                                      int* height) {
  PreprocessPlan plan;
  Status status = PlanPreprocess(config_, image, &plan);
  if (!status.ok()) return status;
  scratch_.horizontal.resize(plan.resample.HorizontalBytes());
  scratch_.out.resize(plan.resample.OutBytes());
  size_t stride;
  int c;
  const uint8_t* src =
      CropSource(plan, image, scratch_.horizontal.data(), scratch_.out.data(), &stride, &c);
  rgb->assign(size_t(plan.width) * plan.height * 3, 0);  // padding is black
  const int green = c == 1 ? 0 : 1, blue = c == 1 ? 0 : 2;
  ForEachCropPixel(plan, src, stride, c, [&](int y, int x, const uint8_t* p) {
    uint8_t* to = &(*rgb)[(size_t(y) * plan.width + size_t(x)) * 3];
    to[0] = p[0], to[1] = p[green], to[2] = p[blue];
  });
  *width = plan.width, *height = plan.height;
  return Status::Ok();
}

Status ImagePreprocessor::Run(const ImageView& image, float* out) {
  PreprocessPlan plan;
  Status status = PlanPreprocess(config_, image, &plan);
  if (!status.ok()) return status;
  scratch_.horizontal.resize(plan.resample.HorizontalBytes());
  scratch_.out.resize(plan.resample.OutBytes());
  RunPreprocessPlan(plan, image, tables_, scratch_.horizontal.data(), scratch_.out.data(), out);
  return Status::Ok();
}

}  // namespace clipscope
