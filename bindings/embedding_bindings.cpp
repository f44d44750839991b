// Embind bindings of the embedding math: normalising encoder outputs and zero-shot scores.
#include <emscripten/bind.h>

#include "embedding_math.h"
#include "marshal.h"

namespace clipscope::bindings {
namespace {

// {embeddings, rowOk}: the rows of a Float32Array (n*d) scaled to unit length, and 1/0 per
// row (0: NaN/Inf or zero norm, row left as it was).
val NormalizeRowsJs(const val& rows, size_t n, size_t d) {
  if (rows["length"].as<size_t>() != n * d) {
    return InvalidArgument("embeddings have " + std::to_string(rows["length"].as<size_t>()) + " floats, not " +
                           std::to_string(n) + " x " + std::to_string(d));
  }
  std::vector<float> x = CopyIn<float>(rows);
  std::vector<uint8_t> ok(n);
  NormalizeRows(x.data(), n, d, ok.data());
  val out = val::object();
  out.set("embeddings", CopyOut(x.data(), x.size()));
  out.set("rowOk", CopyOut(ok.data(), ok.size()));
  return out;
}

// Float32Array of n probabilities, or an error value.
val ZeroShotJs(const val& image, const val& texts, size_t n, size_t d, float logit_scale) {
  if (image["length"].as<size_t>() != d || texts["length"].as<size_t>() != n * d) {
    return InvalidArgument("zero-shot inputs do not match " + std::to_string(n) + " labels x " + std::to_string(d) +
                           " dims");
  }
  std::vector<float> a = CopyIn<float>(image), b = CopyIn<float>(texts), p(n);
  Status status = ZeroShotProbabilities(a.data(), b.data(), n, d, logit_scale, p.data());
  return status.ok() ? CopyOut(p.data(), p.size()) : ErrorValue(status);
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_embedding) {
  using namespace clipscope::bindings;
  emscripten::function("normalizeRows", &NormalizeRowsJs);
  emscripten::function("zeroShotProbabilities", &ZeroShotJs);
}
