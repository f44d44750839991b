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

Status ImagePreprocessor::CheckImage(const ImageView& image) const {
  if (!image.pixels) return Status(ErrorCode::kInvalidArgument, "image has no pixels");
  Status size = CheckImageSize(image.width, image.height);
  if (!size.ok()) return size;
  if (uint64_t(image.width) * uint64_t(image.height) > config_.max_pixels) {
    return Status(ErrorCode::kInvalidArgument,
                  "image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                      " pixels is above the limit of " + Str(config_.max_pixels) + " pixels");
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

Status ImagePreprocessor::RunToPixels(const ImageView& image, std::vector<uint8_t>* rgb, int* width,
                                      int* height) {
  // 1. Resize with Pillow's arithmetic (gray keeps its one channel through the resize, RGBA
  //    loses alpha in the first pass; channels are independent, so converting to RGB
  //    afterwards is the same).
  // 2. Center crop as transformers: offsets (size - crop) // 2, zero padding when the crop is
  //    larger than the image. 3. Convert to RGB: gray is repeated, alpha dropped.
  Status valid = CheckImage(image);
  if (!valid.ok()) return valid;
  int rw, rh;
  ResizedSize(config_, image.width, image.height, &rw, &rh);
  if (uint64_t(rw) * uint64_t(rh) > config_.max_pixels) {
    return Status(ErrorCode::kInvalidArgument, "resized image of " + std::to_string(rw) + " x " +
                                                   std::to_string(rh) +
                                                   " pixels is above the limit");
  }
  int ow = rw, oh = rh, top = 0, left = 0;
  if (config_.do_center_crop) {
    ow = config_.crop_width, oh = config_.crop_height;
    top = (rh - oh) >= 0 ? (rh - oh) / 2 : -int(std::ceil((oh - rh) / 2.0));
    left = (rw - ow) >= 0 ? (rw - ow) / 2 : -int(std::ceil((ow - rw) / 2.0));
  }
  // Only the part of the resized image inside the crop is computed (or read).
  const int x0 = std::max(left, 0), x1 = std::min(left + ow, rw);
  const int y0 = std::max(top, 0), y1 = std::min(top + oh, rh);
  const uint8_t* src = image.pixels + size_t(y0) * image.stride + size_t(x0) * image.channels;
  size_t stride = image.stride;
  int c = image.channels;
  if (rw != image.width || rh != image.height) {
    c = Resample(image, rw, rh, config_.resample, &scratch_, {x0, y0, x1 - x0, y1 - y0},
                 /*drop_alpha=*/true);
    src = scratch_.out.data(), stride = size_t(x1 - x0) * c;
  }
  rgb->assign(size_t(ow) * oh * 3, 0);
  for (int y = 0; y < oh; ++y) {
    const int sy = y + top;
    if (sy < y0 || sy >= y1) continue;  // padding rows stay 0
    const uint8_t* row = src + size_t(sy - y0) * stride;
    uint8_t* out = &(*rgb)[size_t(y) * ow * 3];
    for (int x = 0; x < ow; ++x) {
      const int sx = x + left;
      if (sx < x0 || sx >= x1) continue;
      const uint8_t* p = row + size_t(sx - x0) * c;
      out[x * 3 + 0] = p[0];
      out[x * 3 + 1] = p[c == 1 ? 0 : 1];
      out[x * 3 + 2] = p[c == 1 ? 0 : 2];
    }
  }
  *width = ow, *height = oh;
  return Status::Ok();
}

Status ImagePreprocessor::Run(const ImageView& image, float* out) {
  // 4. Rescale and normalise with numpy's float types: float32(double(v) * factor), then
  //    (x - mean) / std in float32; written channel-first.
  int w, h;
  Status status = RunToPixels(image, &pixels_, &w, &h);
  if (!status.ok()) return status;
  const size_t plane = size_t(w) * h;
  float lut[3][256];  // every 8-bit value maps through the same arithmetic: compute it once
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      float x = config_.do_rescale ? float(double(v) * config_.rescale_factor) : float(v);
      if (config_.do_normalize) x = (x - config_.image_mean[c]) / config_.image_std[c];
      lut[c][v] = x;
    }
  }
  for (size_t i = 0; i < plane; ++i) {
    out[i] = lut[0][pixels_[i * 3]];
    out[plane + i] = lut[1][pixels_[i * 3 + 1]];
    out[2 * plane + i] = lut[2][pixels_[i * 3 + 2]];
  }
  return Status::Ok();
}

}  // namespace clipscope
