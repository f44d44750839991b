// Random preprocessing configs and image sizes, as a model's preprocessor_config.json and a
// decoded file could give them: every value goes through the same checks as from JS
// (ValidateConfig, CheckImageSize), and whatever passes is preprocessed into a buffer of exactly
// the size OutputSize names, so ASan catches any write outside it. To keep iterations fast the
// pipeline runs only when input and output are under 4 M pixels; the checks see every value.
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "image_preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace clipscope;
  FuzzInput in(data, size);
  PreprocessConfig config;
  const uint8_t flags = in.Take<uint8_t>();
  config.do_resize = flags & 1, config.do_center_crop = flags & 2;
  config.do_rescale = flags & 4, config.do_normalize = flags & 8;
  config.shortest_edge = in.Take<int32_t>();
  config.resize_height = in.Take<int32_t>(), config.resize_width = in.Take<int32_t>();
  config.crop_height = in.Take<int32_t>(), config.crop_width = in.Take<int32_t>();
  config.resample = static_cast<ResampleFilter>(in.Take<uint8_t>());
  config.rescale_factor = in.Take<double>();
  config.image_std[0] = in.Take<float>();
  config.max_pixels = in.Take<uint64_t>();
  const int width = in.Take<int32_t>(), height = in.Take<int32_t>();
  const int channels = in.Take<uint8_t>() % 6;
  const size_t stride_extra = in.Take<uint8_t>();
  if (!ValidateConfig(config).ok() || !CheckImageSize(width, height).ok()) return 0;
  if (uint64_t(width) * height > (4u << 20)) return 0;
  int ow = 0, oh = 0;
  OutputSize(config, width, height, &ow, &oh);
  if (uint64_t(ow) * oh > (4u << 20)) return 0;
  const size_t stride = size_t(width) * channels + stride_extra;
  std::vector<uint8_t> pixels(stride * height);
  const std::string_view rest = in.Rest();
  for (size_t i = 0; i < pixels.size() && !rest.empty(); ++i)
    pixels[i] = uint8_t(rest[i % rest.size()]);
  std::vector<float> out(size_t(3) * ow * oh);
  ImagePreprocessor preprocessor(config);
  (void)preprocessor.Run({pixels.data(), width, height, channels, stride}, out.data());
  return 0;
}
