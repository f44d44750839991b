#include "preprocess_batch.h"

#include <algorithm>
#include <memory>
#include <string>

#include "parallel.h"

namespace clipscope {
namespace {

// What a range of images reads; passed by value to the share (parallel.h).
struct BatchJob {
  const ImageView* images;
  const PreprocessPlan* plans;
  const bool* planned;
  const size_t* range_starts;  // ranges + 1 boundaries
  uint8_t* const* horizontal;  // one buffer per range
  uint8_t* const* resized;
  const ChannelTables* tables;
  float* out;
  size_t slot_floats;
};

void RunRange(BatchJob job, size_t range) {
  uint8_t* horizontal = job.horizontal[range];
  uint8_t* resized = job.resized[range];
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

std::vector<Status> PreprocessBatch(const PreprocessConfig& config, const ImageView* images,
                                    size_t count, float* out, size_t slot_floats) {
  std::vector<Status> statuses(count);
  std::vector<PreprocessPlan> plans(count);
  // std::vector<bool> packs bits, which shares could not read as plain bytes.
  std::unique_ptr<bool[]> planned(new bool[count]());
  std::vector<uint64_t> cost(count, 0);
  for (size_t i = 0; i < count; ++i) {
    statuses[i] = PlanPreprocess(config, images[i], &plans[i]);
    if (!statuses[i].ok()) continue;
    const uint64_t floats = uint64_t(3) * plans[i].width * plans[i].height;
    if (floats != slot_floats) {
      statuses[i] = Status(ErrorCode::kInvalidArgument,
                           "image gives " + std::to_string(plans[i].width) + " x " +
                               std::to_string(plans[i].height) + " pixels, not the batch's size");
      continue;
    }
    planned[i] = true;
    cost[i] = CostOf(plans[i], images[i]);
  }
  // Contiguous ranges of about equal work; each has buffers for its largest image.
  const size_t ranges = UnevenShares(count);
  const std::vector<size_t> starts = CutByCost(cost, ranges);
  std::vector<std::vector<uint8_t>> horizontal(ranges), resized(ranges);
  std::vector<uint8_t*> horizontal_at(ranges), resized_at(ranges);
  for (size_t range = 0; range < ranges; ++range) {
    size_t h = 0, r = 0;
    for (size_t i = starts[range]; i < starts[range + 1]; ++i) {
      if (!planned[i]) continue;
      h = std::max(h, plans[i].resample.HorizontalBytes());
      r = std::max(r, plans[i].resample.OutBytes());
    }
    horizontal[range].resize(h), resized[range].resize(r);
    horizontal_at[range] = horizontal[range].data(), resized_at[range] = resized[range].data();
  }
  const ChannelTables tables = NormalizationTables(config);
  const BatchJob job{
      images,  plans.data(), planned.get(), starts.data(), horizontal_at.data(), resized_at.data(),
      &tables, out,          slot_floats};
  ForEachShare(ranges, [job](size_t range) { RunRange(job, range); });
  return statuses;
}

}  // namespace clipscope
