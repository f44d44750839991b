// What turns encoder outputs into embeddings and scores: L2 normalisation of rows and CLIP's
// zero-shot probabilities (softmax over scaled cosine similarities).
#pragma once

#include <cstddef>
#include <cstdint>

#include "status.h"

namespace clipscope {

// Scales each row of x (n*d floats) to unit length in place. A row with NaN/Inf or of norm 0
// is left as it is and marked 0 in row_ok (n bytes); good rows are marked 1.
void NormalizeRows(float* x, size_t n, size_t d, uint8_t* row_ok);

// probabilities[j] = softmax_j(logit_scale * <image, texts_j>) for unit vectors; texts: n*d
// floats, probabilities: n floats. Fails on n == 0 or a non-finite logit_scale.
Status ZeroShotProbabilities(const float* image, const float* texts, size_t n, size_t d,
                             float logit_scale, float* probabilities);

}  // namespace clipscope
