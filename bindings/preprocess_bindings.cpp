// Embind bindings of the image preprocessor: pixels in with one copy into a reused buffer,
// results written straight into a batch tensor that lives in WASM memory.
#include <emscripten/bind.h>

#include "image_preprocess.h"
#include "marshal.h"

namespace clipscope::bindings {
namespace {

// config: the fields of PreprocessConfig, already parsed and checked by lib/preprocess.ts.
PreprocessConfig ConfigFromJs(const val& c) {
  PreprocessConfig config;
  config.do_resize = c["doResize"].as<bool>();
  config.shortest_edge = c["shortestEdge"].as<int>();
  config.resize_height = c["resizeHeight"].as<int>();
  config.resize_width = c["resizeWidth"].as<int>();
  config.resample = static_cast<ResampleFilter>(c["resample"].as<int>());
  config.do_center_crop = c["doCenterCrop"].as<bool>();
  config.crop_height = c["cropHeight"].as<int>();
  config.crop_width = c["cropWidth"].as<int>();
  config.do_rescale = c["doRescale"].as<bool>();
  config.rescale_factor = c["rescaleFactor"].as<double>();
  config.do_normalize = c["doNormalize"].as<bool>();
  for (int i = 0; i < 3; ++i) {
    config.image_mean[i] = c["imageMean"][i].as<float>();
    config.image_std[i] = c["imageStd"][i].as<float>();
  }
  config.max_pixels = uint64_t(c["maxPixels"].as<double>());
  return config;
}

class PreprocessorHandle {
 public:
  explicit PreprocessorHandle(const PreprocessConfig& config) : preprocessor_(config) {}

  // Sizes the batch tensor for `count` images of height x width (3 channels).
  void ResizeBatch(size_t count, int width, int height) {
    slot_floats_ = size_t(3) * width * height;
    batch_.resize(count * slot_floats_);
  }

  // Preprocesses one image into batch slot `slot`. pixels: a Uint8Array or
  // Uint8ClampedArray of height rows `stride` bytes apart. Undefined or an error value.
  val RunInto(size_t slot, const val& pixels, int width, int height, int channels, size_t stride) {
    if ((slot + 1) * slot_floats_ > batch_.size()) return InvalidArgument("batch slot out of range");
    int ow, oh;
    OutputSize(preprocessor_.config(), width, height, &ow, &oh);
    if (size_t(3) * ow * oh != slot_floats_) {
      return InvalidArgument("image gives " + std::to_string(ow) + " x " + std::to_string(oh) +
                             " pixels, not the batch's size");
    }
    const size_t bytes = pixels["length"].as<size_t>();
    if (bytes < stride * size_t(height - 1) + size_t(width) * channels || height <= 0) {
      return InvalidArgument("pixel data has " + std::to_string(bytes) + " bytes, too few for " +
                             std::to_string(width) + " x " + std::to_string(height) + " x " +
                             std::to_string(channels));
    }
    // The reused buffer grows to the largest image seen and stays: no churn per image.
    pixels_.resize(bytes);
    val(emscripten::typed_memory_view(bytes, pixels_.data())).call<void>("set", pixels);
    Status status = preprocessor_.Run({pixels_.data(), width, height, channels, stride},
                                      batch_.data() + slot * slot_floats_);
    return status.ok() ? val::undefined() : ErrorValue(status);
  }

  // A view of the batch tensor in WASM memory: valid until the next call into the module.
  val BatchView() const { return val(emscripten::typed_memory_view(batch_.size(), batch_.data())); }

  // Frees the pixel and batch buffers (the next image allocates again).
  void Release() {
    std::vector<uint8_t>().swap(pixels_);
    std::vector<float>().swap(batch_);
  }

 private:
  ImagePreprocessor preprocessor_;
  std::vector<uint8_t> pixels_;
  std::vector<float> batch_;
  size_t slot_floats_ = 0;
};

// {preprocessor} or an error value.
val CreatePreprocessor(const val& config) {
  PreprocessConfig parsed = ConfigFromJs(config);
  Status valid = ValidateConfig(parsed);
  if (!valid.ok()) return ErrorValue(valid);
  val out = val::object();
  out.set("preprocessor", val(PreprocessorHandle(parsed)));
  return out;
}

// [width, height] of the preprocessed image for an input of width x height.
val PreprocessedSize(const val& config, int width, int height) {
  int ow, oh;
  OutputSize(ConfigFromJs(config), width, height, &ow, &oh);
  val out = val::array();
  out.set(0, ow), out.set(1, oh);
  return out;
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_preprocess) {
  using namespace clipscope::bindings;
  emscripten::class_<PreprocessorHandle>("ImagePreprocessor")
      .function("resizeBatch", &PreprocessorHandle::ResizeBatch)
      .function("runInto", &PreprocessorHandle::RunInto)
      .function("batchView", &PreprocessorHandle::BatchView)
      .function("release", &PreprocessorHandle::Release);
  emscripten::function("createPreprocessor", &CreatePreprocessor);
  emscripten::function("preprocessedSize", &PreprocessedSize);
}
