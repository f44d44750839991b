// Many images through the preprocessing at once, on the core's threads: every image is planned
// here (checks, coefficients, buffers), then ranges of images run in parallel. Each image is
// computed alone, so the floats are the same whatever the number of threads.
#pragma once

#include <cstddef>
#include <vector>

#include "image_preprocess.h"

namespace clipscope {

// Writes image i to out + i * slot_floats (CHW), where slot_floats must be 3 x the config's
// output height x width for every image (an image of another output size fails). Returns each
// image's status; a failed image's slot is left as it was, the others go through.
std::vector<Status> PreprocessBatch(const PreprocessConfig& config, const ImageView* images,
                                    size_t count, float* out, size_t slot_floats);

}  // namespace clipscope
