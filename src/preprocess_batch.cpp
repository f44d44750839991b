#include "preprocess_batch.h"

#include <algorithm>
#include <string>

#include "parallel.h"

namespace clipscope {

// What a range of images reads; each share takes a copy (parallel.h).
struct PreprocessBatchJob::Shared {
  const ImageView* images;
  const PreprocessPlan* plans;
  const uint8_t* planned;
  const size_t* range_starts;        // ranges + 1 boundaries
  std::vector<uint8_t>* horizontal;  // one buffer per range (sized before the shares)
  std::vector<uint8_t>* resized;
  const ChannelTables* tables;
  float* out;
  size_t slot_floats;
};

namespace {

using Shared = PreprocessBatchJob::Shared;

void RunRange(void* context, size_t range) {
  const Shared job = *static_cast<const Shared*>(context);
  uint8_t* horizontal = job.horizontal[range].data();
  uint8_t* resized = job.resized[range].data();
  const ChannelTables tables = *job.tables;  // this thread's own copy: read every pixel
  for (size_t i = job.range_starts[range]; i < job.range_starts[range + 1]; ++i) {
    if (!job.planned[i]) continue;
    RunPreprocessPlan(job.plans[i], job.images[i], tables, horizontal, resized,
                      job.out + i * job.slot_floats);
  }
}

// Work of one image, for cutting the batch into ranges of about equal work: the input the
// first pass reads and the output it writes.
uint64_t CostOf(const PreprocessPlan& plan, const ImageView& image) {
  const ResamplePlan& r = plan.resample;
  const uint64_t read =
      plan.resized ? uint64_t(r.row_last - r.row_first) * uint64_t(image.width) : 0;
  return read + uint64_t(plan.width) * uint64_t(plan.height) + 1;
}

}  // namespace

PreprocessBatchJob::PreprocessBatchJob(const PreprocessConfig& config, const ImageView* images,
                                       size_t count, float* out, size_t slot_floats)
    : statuses_(count), plans_(count), planned_(count, 0), tables_(NormalizationTables(config)) {
  std::vector<uint64_t> cost(count, 0);
  for (size_t i = 0; i < count; ++i) {
    statuses_[i] = PlanPreprocess(config, images[i], &plans_[i]);
    if (!statuses_[i].ok()) continue;
    const uint64_t floats = uint64_t(3) * plans_[i].width * plans_[i].height;
    if (floats != slot_floats) {
      statuses_[i] = Status(ErrorCode::kInvalidArgument,
                            "image gives " + std::to_string(plans_[i].width) + " x " +
                                std::to_string(plans_[i].height) + " pixels, not the batch's size");
      continue;
    }
    planned_[i] = 1;
    cost[i] = CostOf(plans_[i], images[i]);
  }
  // Contiguous ranges of about equal work; each has buffers for its largest image.
  const size_t ranges = UnevenShares(count);
  range_starts_ = CutByCost(cost, ranges);
  horizontal_.resize(ranges), resized_.resize(ranges);
  for (size_t range = 0; range < ranges; ++range) {
    size_t h = 0, r = 0;
    for (size_t i = range_starts_[range]; i < range_starts_[range + 1]; ++i) {
      if (!planned_[i]) continue;
      h = std::max(h, plans_[i].resample.HorizontalBytes());
      r = std::max(r, plans_[i].resample.OutBytes());
    }
    horizontal_[range].resize(h), resized_[range].resize(r);
  }
  shared_.reset(new Shared{images, plans_.data(), planned_.data(), range_starts_.data(),
                           horizontal_.data(), resized_.data(), &tables_, out, slot_floats});
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
