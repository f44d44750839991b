// Embind bindings of the image preprocessor: pixels in with one copy into a reused buffer,
// results written straight into a batch tensor that lives in WASM memory.
#include <emscripten/bind.h>

#include <algorithm>
#include <memory>

#include "guard.h"
#include "image_preprocess.h"
#include "marshal.h"
#include "preprocess_batch.h"
#include "size_limits.h"

namespace clipscope::bindings {
namespace {

// config: the fields of PreprocessConfig, parsed by lib/images/preprocess.ts. Every number is
// range-checked here before it reaches the core's int fields; undefined or an error value.
val ConfigFromJs(const val& c, PreprocessConfig* config) {
  int64_t shortest_edge = 0, resize_height = 0, resize_width = 0, crop_height = 0, crop_width = 0;
  int64_t resample = 0, max_pixels = 0;
  for (val error :
       {ReadInt(c["shortestEdge"].as<double>(), "shortest_edge", 0, kMaxOutputSide, &shortest_edge),
        ReadInt(c["resizeHeight"].as<double>(), "size.height", 0, kMaxOutputSide, &resize_height),
        ReadInt(c["resizeWidth"].as<double>(), "size.width", 0, kMaxOutputSide, &resize_width),
        ReadInt(c["cropHeight"].as<double>(), "crop_size.height", 0, kMaxOutputSide, &crop_height),
        ReadInt(c["cropWidth"].as<double>(), "crop_size.width", 0, kMaxOutputSide, &crop_width),
        ReadInt(c["resample"].as<double>(), "resample", 0, 5, &resample),
        ReadInt(c["maxPixels"].as<double>(), "maxPixels", 1, int64_t(kMaxImagePixels),
                &max_pixels)}) {
    if (!error.isUndefined()) return error;
  }
  config->do_resize = c["doResize"].as<bool>();
  config->shortest_edge = int(shortest_edge);
  config->resize_height = int(resize_height);
  config->resize_width = int(resize_width);
  config->resample = static_cast<ResampleFilter>(resample);
  config->do_center_crop = c["doCenterCrop"].as<bool>();
  config->crop_height = int(crop_height);
  config->crop_width = int(crop_width);
  config->do_rescale = c["doRescale"].as<bool>();
  config->rescale_factor = c["rescaleFactor"].as<double>();
  config->do_normalize = c["doNormalize"].as<bool>();
  for (int i = 0; i < 3; ++i) {
    config->image_mean[i] = c["imageMean"][i].as<float>();
    config->image_std[i] = c["imageStd"][i].as<float>();
  }
  config->max_pixels = uint64_t(max_pixels);
  Status valid = ValidateConfig(*config);
  return valid.ok() ? val::undefined() : ErrorValue(valid);
}

// The image's size from JS, checked (sides in 1..kMaxImageSide, channels 1/3/4).
val ReadImageSize(double width_in, double height_in, int* width, int* height) {
  int64_t w = 0, h = 0;
  if (val e = ReadInt(width_in, "image width", 0, kMaxImageSide, &w); !e.isUndefined()) return e;
  if (val e = ReadInt(height_in, "image height", 0, kMaxImageSide, &h); !e.isUndefined()) return e;
  *width = int(w), *height = int(h);
  Status size = CheckImageSize(*width, *height);
  return size.ok() ? val::undefined() : ErrorValue(size);
}

// One image of a batch from JS ({data, width, height, channels, stride}): its size, channels
// and stride checked, and the bytes its rows span (which data must hold). Pixels stay unset.
val ReadImage(const val& image, ImageView* view, uint64_t* bytes) {
  int width = 0, height = 0;
  size_t channels = 0, stride = 0;
  if (val e =
          ReadImageSize(image["width"].as<double>(), image["height"].as<double>(), &width, &height);
      !e.isUndefined())
    return e;
  if (val e = ReadCount(image["channels"].as<double>(), "channels", 1, 4, &channels);
      !e.isUndefined())
    return e;
  if (channels == 2) return InvalidArgument("image has 2 channels; expected 1, 3 or 4");
  if (val e = ReadCount(image["stride"].as<double>(), "row stride", 1, UINT32_MAX, &stride);
      !e.isUndefined())
    return e;
  if (stride < uint64_t(width) * channels) {
    return InvalidArgument("image row stride " + std::to_string(stride) +
                           " is shorter than a row of " +
                           std::to_string(uint64_t(width) * channels) + " bytes");
  }
  const double length_in = image["data"]["length"].as<double>();
  if (!(length_in >= 0)) return InvalidArgument("image data must be a Uint8Array");
  const uint64_t length = uint64_t(length_in);
  const uint64_t needed = uint64_t(stride) * uint64_t(height - 1) + uint64_t(width) * channels;
  if (length < needed) {
    return InvalidArgument("pixel data has " + std::to_string(length) + " bytes, too few for " +
                           std::to_string(width) + " x " + std::to_string(height) + " x " +
                           std::to_string(channels));
  }
  *view = {nullptr, width, height, int(channels), stride};
  *bytes = needed;
  return val::undefined();
}

// Pixel bytes one batch call copies at most (lib/ cuts batches far below it).
constexpr uint64_t kMaxBatchPixelBytes = uint64_t(1) << 31;

class PreprocessorHandle {
 public:
  explicit PreprocessorHandle(const PreprocessConfig& config) : preprocessor_(config) {}
  PreprocessorHandle(PreprocessorHandle&&) = default;
  ~PreprocessorHandle() { FinishBatch(); }  // before the buffers a running batch uses go

  // Sizes the batch tensor for `count` images of height x width (3 channels).
  val ResizeBatch(double count_in, double width_in, double height_in) {
    // A running batch writes into the tensor, and the jobs' slots are of the old one.
    FinishBatch();
    for (Staged& staged : staged_) staged.job.reset();
    return Guarded([&] {
      size_t count = 0;
      int width = 0, height = 0;
      if (val e = ReadCount(count_in, "batch size", 0, UINT32_MAX, &count); !e.isUndefined())
        return e;
      if (val e = ReadImageSize(width_in, height_in, &width, &height); !e.isUndefined()) return e;
      const uint64_t slot = uint64_t(3) * width * height;
      const uint64_t floats = slot * count;
      if (floats > (uint64_t(1) << 29)) {  // 2 GB of float32
        return OutOfMemory("a batch of " + std::to_string(count) + " images of " +
                           std::to_string(width) + " x " + std::to_string(height) + " needs " +
                           std::to_string(floats * 4) + " bytes");
      }
      slot_floats_ = size_t(slot);
      batch_.resize(size_t(floats));
      return val::undefined();
    });
  }

  // Starts preprocessing images (an array of {data, width, height, channels, stride}: data a
  // Uint8Array or Uint8ClampedArray of height rows `stride` bytes apart) into batch slots
  // first_slot + i on the core's helper threads, and returns: their pixels are first copied
  // into one of two staging buffers, while the batch started before still runs on the
  // helpers from the other; it is finished before this one starts. FinishBatch() takes part
  // in the last one and waits. Returns an array of undefined or an error value per image (its
  // slot is then left as it was), or one error value for the whole call.
  val StartBatch(const val& images, double first_slot_in) {
    return Guarded([&] {
      size_t count = 0, first_slot = 0;
      if (val e = ReadCount(images["length"].as<double>(), "images", 0, UINT32_MAX, &count);
          !e.isUndefined())
        return e;
      if (val e = ReadCount(first_slot_in, "batch slot", 0, UINT32_MAX, &first_slot);
          !e.isUndefined())
        return e;
      if (slot_floats_ == 0 || (uint64_t(first_slot) + count) * slot_floats_ > batch_.size()) {
        return InvalidArgument("batch slot out of range");
      }
      // Every image's numbers checked; the bytes each needs, counted in 64 bits.
      val results = val::array();
      Staged& staged = staged_[next_staged_];
      staged.job.reset();  // two batches ago: finished when the last one started
      staged.views.assign(count, ImageView());
      std::vector<uint64_t> bytes(count, 0);
      uint64_t total = 0;
      for (size_t i = 0; i < count; ++i) {
        val error = ReadImage(images[i], &staged.views[i], &bytes[i]);
        results.set(i, error);
        total += bytes[i];  // 0 for an image that failed
      }
      if (total > kMaxBatchPixelBytes) {
        return OutOfMemory("images of " + std::to_string(total) +
                           " bytes of pixels in one call, above its limit of " +
                           std::to_string(kMaxBatchPixelBytes));
      }
      staged.pixels.resize(size_t(total));
      size_t at = 0;
      for (size_t i = 0; i < count; ++i) {
        if (bytes[i] == 0) continue;  // failed: no pixels, and the job skips it
        val(emscripten::typed_memory_view(size_t(bytes[i]), staged.pixels.data() + at))
            .call<void>("set", images[i]["data"].call<val>("subarray", 0, double(bytes[i])));
        staged.views[i].pixels = staged.pixels.data() + at;
        at += size_t(bytes[i]);
      }
      staged.job = std::make_unique<PreprocessBatchJob>(
          preprocessor_.config(), staged.views.data(), count,
          batch_.data() + first_slot * slot_floats_, slot_floats_);
      const std::vector<Status>& statuses = staged.job->statuses();
      for (size_t i = 0; i < count; ++i) {
        if (bytes[i] != 0 && !statuses[i].ok()) results.set(i, ErrorValue(statuses[i]));
      }
      staged.first_slot = first_slot;
      staged.job->Start();  // finishes the batch started before, then starts this one
      next_staged_ ^= 1;
      return results;
    });
  }

  // Waits for the batches started (taking part in them).
  void FinishBatch() {
    for (Staged& staged : staged_) {
      if (staged.job) staged.job->Finish();
    }
  }

  // A view of the batch tensor in WASM memory: valid until the next call into the module.
  val BatchView() {
    FinishBatch();
    return val(emscripten::typed_memory_view(batch_.size(), batch_.data()));
  }

  // A view of the batch tensor's slots that are done while the batch started last may still
  // run: those before its first slot (the one before it finished when it started). Lets the
  // caller copy them out while the helpers work. Valid until the next call into the module.
  val FinishedView() {
    const Staged& last = staged_[next_staged_ ^ 1];
    const uint64_t floats =
        last.job ? std::min<uint64_t>(uint64_t(last.first_slot) * slot_floats_, batch_.size())
                 : batch_.size();
    return val(emscripten::typed_memory_view(size_t(floats), batch_.data()));
  }

  // Frees the pixel and batch buffers (the next image allocates again).
  void Release() {
    FinishBatch();
    for (Staged& staged : staged_) staged = Staged();
    std::vector<float>().swap(batch_);
    slot_floats_ = 0;
  }

 private:
  // A batch's pixels in WASM memory and its job, kept while it may run.
  struct Staged {
    std::vector<uint8_t> pixels;
    std::vector<ImageView> views;
    std::unique_ptr<PreprocessBatchJob> job;
    size_t first_slot = 0;
  };
  ImagePreprocessor preprocessor_;
  Staged staged_[2];
  int next_staged_ = 0;
  std::vector<float> batch_;
  size_t slot_floats_ = 0;
};

// {preprocessor} or an error value.
val CreatePreprocessor(const val& config) {
  return Guarded([&] {
    PreprocessConfig parsed;
    if (val error = ConfigFromJs(config, &parsed); !error.isUndefined()) return error;
    val out = val::object();
    out.set("preprocessor", val(PreprocessorHandle(parsed)));
    return out;
  });
}

// [width, height] of the preprocessed image for an input of width x height, or an error value.
val PreprocessedSize(const val& config, double width_in, double height_in) {
  return Guarded([&] {
    PreprocessConfig parsed;
    int width = 0, height = 0;
    if (val error = ConfigFromJs(config, &parsed); !error.isUndefined()) return error;
    if (val error = ReadImageSize(width_in, height_in, &width, &height); !error.isUndefined())
      return error;
    int ow, oh;
    OutputSize(parsed, width, height, &ow, &oh);
    val out = val::array();
    out.set(0, ow), out.set(1, oh);
    return out;
  });
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_preprocess) {
  using namespace clipscope::bindings;
  emscripten::class_<PreprocessorHandle>("ImagePreprocessor")
      .function("resizeBatch", &PreprocessorHandle::ResizeBatch)
      .function("startBatch", &PreprocessorHandle::StartBatch)
      .function("finishBatch", &PreprocessorHandle::FinishBatch)
      .function("batchView", &PreprocessorHandle::BatchView)
      .function("finishedView", &PreprocessorHandle::FinishedView)
      .function("release", &PreprocessorHandle::Release);
  emscripten::function("createPreprocessor", &CreatePreprocessor);
  emscripten::function("preprocessedSize", &PreprocessedSize);
}
