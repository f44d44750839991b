// Many images through the preprocessing at once, on the core's threads: every image is planned
// here (checks, coefficients, buffers), then ranges of images run in parallel (an image may be
// cut into bands of rows, so that a few large images still share evenly). Every output
// pixel is computed from its own coefficients alone, so the floats are the same whatever the
// number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "image_preprocess.h"

namespace clipscope {

// A batch planned: image i goes to out + i * slot_floats (CHW), where slot_floats must be 3 x
// the config's output height x width for every image (an image of another output size
// fails). Each image's status is known once planned; a failed image's slot is left as it was,
// the others go through. The images and out must outlive the job's run.
class PreprocessBatchJob {
 public:
  PreprocessBatchJob(const PreprocessConfig& config, const ImageView* images, size_t count,
                     float* out, size_t slot_floats);
  PreprocessBatchJob(const PreprocessBatchJob&) = delete;
  PreprocessBatchJob& operator=(const PreprocessBatchJob&) = delete;
  ~PreprocessBatchJob();  // finishes a started run

  const std::vector<Status>& statuses() const { return statuses_; }
  // Images and bands of images the threads share.
  size_t pieces() const { return plans_.size(); }
  // On the core's threads; returns when every image is done.
  void Run();
  // Hands the images to the other threads and returns (parallel.h's StartShares); Finish()
  // takes part in what is left and returns when every image is done.
  void Start();
  void Finish();

  struct Shared;  // what the shares read, at a fixed address while they run

 private:
  std::vector<Status> statuses_;
  // The work: whole images, or bands of an image's rows when the images are fewer than
  // the threads could share evenly; each piece's image and where its floats start.
  std::vector<PreprocessPlan> plans_;
  std::vector<size_t> piece_image_;
  std::vector<float*> piece_out_;
  std::vector<size_t> range_starts_;  // over pieces
  // Buffers for as many pieces as run at once (a range claims a free pair while it runs): a
  // thread's next image reuses the lines its last one left in its cache. Not zero-filled:
  // every byte is written before it is read.
  std::unique_ptr<uint8_t[]> buffers_;
  std::unique_ptr<std::atomic<bool>[]> buffer_busy_;
  size_t horizontal_bytes_ = 0, resized_bytes_ = 0, buffer_pairs_ = 0;
  ChannelTables tables_;
  std::unique_ptr<Shared> shared_;
  bool started_ = false;
};

// A whole batch on the core's threads: each image's status.
std::vector<Status> PreprocessBatch(const PreprocessConfig& config, const ImageView* images,
                                    size_t count, float* out, size_t slot_floats);

}  // namespace clipscope
