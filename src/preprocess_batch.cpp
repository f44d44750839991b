#include "preprocess_batch.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "parallel.h"

namespace clipscope {

// What a range of pieces reads; each share takes a copy (parallel.h).
struct PreprocessBatchJob::Shared {
  const ImageView* images;
  const PreprocessPlan* plans;
  const size_t* piece_image;
  float* const* piece_out;
  const size_t* range_starts;  // ranges + 1 boundaries
  uint8_t* buffers;  // pairs of horizontal_bytes + resized_bytes, allocated before the shares
  std::atomic<bool>* buffer_busy;
  size_t horizontal_bytes, resized_bytes, buffer_pairs;
  const ChannelTables* tables;
};

namespace {

using Shared = PreprocessBatchJob::Shared;

// A batch is cut into ranges of about equal work, several per thread: a call (a chunk of the
// caller's batch) ends when its last range does, and a thread with none left waits for it, so
// ranges of whole 1080p photos made the threads wait 5% of the time.
constexpr size_t kRangesPerThread = 8;
// An image is cut into bands of rows when it is more than a range's work, into at most two per
// thread (a lone photo): bands read a few more input rows where they meet.
constexpr size_t kMaxBandsPerThread = 2;
// Thinner bands would read too many rows twice.
constexpr int kMinBandRows = 16;

void RunRange(void* context, size_t range) {
  const Shared job = *static_cast<const Shared*>(context);
  // A free pair of buffers: there are as many as threads, so one is free at once.
  size_t pair = range % job.buffer_pairs;
  while (job.buffer_busy[pair].exchange(true, std::memory_order_acquire)) {
    pair = (pair + 1) % job.buffer_pairs;
  }
  uint8_t* horizontal = job.buffers + pair * (job.horizontal_bytes + job.resized_bytes);
  uint8_t* resized = horizontal + job.horizontal_bytes;
  const ChannelTables tables = *job.tables;  // this thread's own copy: read every pixel
  for (size_t p = job.range_starts[range]; p < job.range_starts[range + 1]; ++p) {
    RunPreprocessPlan(job.plans[p], job.images[job.piece_image[p]], tables, horizontal, resized,
                      job.piece_out[p]);
  }
  job.buffer_busy[pair].store(false, std::memory_order_release);
}

// Work of one piece, for cutting the batch into ranges of about equal work: the input rows
// the first pass reads and the output it writes.
uint64_t CostOf(const PreprocessPlan& plan, const ImageView& image) {
  const ResamplePlan& r = plan.resample;
  const uint64_t read =
      plan.resized ? uint64_t(r.row_last - r.row_first) * uint64_t(image.width) : 0;
  return read + uint64_t(plan.width) * uint64_t(plan.height) + 1;
}

}  // namespace

PreprocessBatchJob::PreprocessBatchJob(const PreprocessConfig& config, const ImageView* images,
                                       size_t count, float* out, size_t slot_floats)
    : statuses_(count), tables_(NormalizationTables(config)) {
  std::vector<PreprocessPlan> whole(count);
  std::vector<uint64_t> image_cost(count, 0);
  uint64_t total = 0;
  for (size_t i = 0; i < count; ++i) {
    statuses_[i] = PlanPreprocess(config, images[i], &whole[i]);
    if (!statuses_[i].ok()) continue;
    const uint64_t floats = uint64_t(3) * whole[i].width * whole[i].height;
    if (floats != slot_floats) {
      statuses_[i] = Status(ErrorCode::kInvalidArgument,
                            "image gives " + std::to_string(whole[i].width) + " x " +
                                std::to_string(whole[i].height) + " pixels, not the batch's size");
      continue;
    }
    image_cost[i] = CostOf(whole[i], images[i]);
    total += image_cost[i];
  }
  // Pieces: an image costing more than a range's part is cut into bands of rows.
  const size_t threads = size_t(WorkerThreads());
  const uint64_t ranges_wanted = threads * kRangesPerThread;
  std::vector<uint64_t> cost;
  for (size_t i = 0; i < count; ++i) {
    if (!statuses_[i].ok()) continue;
    float* slot = out + i * slot_floats;
    const PreprocessPlan& plan = whole[i];
    uint64_t bands = 1;
    if (threads > 1) {
      // Costs are sums of pixel counts (< 2^40), so the product stays far below 2^64.
      bands =
          std::min<uint64_t>({(image_cost[i] * ranges_wanted + total - 1) / total,
                              threads * kMaxBandsPerThread, uint64_t(plan.height / kMinBandRows)});
      bands = std::max<uint64_t>(bands, 1);
    }
    for (uint64_t b = 0; b < bands; ++b) {
      const int y0 = int(b * uint64_t(plan.height) / bands);
      const int y1 = int((b + 1) * uint64_t(plan.height) / bands);
      piece_image_.push_back(i);
      piece_out_.push_back(slot + size_t(y0) * size_t(plan.width));
      plans_.push_back(bands == 1 ? std::move(whole[i]) : PlanRows(plan, y0, y1));  // last use
      cost.push_back(CostOf(plans_.back(), images[i]));
    }
  }
  // Contiguous ranges of about equal work, and buffers for the largest piece on each thread.
  const size_t ranges = UnevenShares(cost.size(), kRangesPerThread);
  range_starts_ = CutByCost(cost, ranges);
  for (const PreprocessPlan& plan : plans_) {
    horizontal_bytes_ = std::max(horizontal_bytes_, plan.resample.HorizontalBytes());
    resized_bytes_ = std::max(resized_bytes_, plan.resample.OutBytes());
  }
  buffer_pairs_ = std::min(ranges, size_t(WorkerThreads()));
  // Each buffer is below 2^30 bytes (size limits), the pairs not always in wasm32's size_t.
  const uint64_t buffer_bytes = uint64_t(buffer_pairs_) * (horizontal_bytes_ + resized_bytes_);
  if (buffer_bytes > uint64_t(PTRDIFF_MAX)) throw std::length_error("preprocessing buffers");
  buffers_.reset(new uint8_t[size_t(buffer_bytes)]);
  buffer_busy_.reset(new std::atomic<bool>[buffer_pairs_]);
  for (size_t b = 0; b < buffer_pairs_; ++b) buffer_busy_[b].store(false);
  shared_.reset(new Shared{images, plans_.data(), piece_image_.data(), piece_out_.data(),
                           range_starts_.data(), buffers_.get(), buffer_busy_.get(),
                           horizontal_bytes_, resized_bytes_, buffer_pairs_, &tables_});
}

PreprocessBatchJob::~PreprocessBatchJob() { Finish(); }

void PreprocessBatchJob::Run() {
  Finish();
  RunShares(&RunRange, shared_.get(), range_starts_.size() - 1);
}

void PreprocessBatchJob::Start() {
  Finish();
  StartShares(&RunRange, shared_.get(), range_starts_.size() - 1);
  started_ = true;
}

void PreprocessBatchJob::Finish() {
  if (!started_) return;
  started_ = false;
  FinishSharesOf(shared_.get());  // another start may have finished it already
}

std::vector<Status> PreprocessBatch(const PreprocessConfig& config, const ImageView* images,
                                    size_t count, float* out, size_t slot_floats) {
  PreprocessBatchJob job(config, images, count, out, slot_floats);
  job.Run();
  return job.statuses();
}

}  // namespace clipscope
