// Embind bindings of the embedding math: normalising encoder outputs and zero-shot scores.
#include <emscripten/bind.h>

#include "embedding_math.h"
#include "guard.h"
#include "marshal.h"
#include "size_limits.h"

namespace clipscope::bindings {
namespace {

// {embeddings, rowOk}: the rows of a Float32Array (n*d) scaled to unit length, and 1/0 per
// row (0: NaN/Inf or zero norm, row left as it was).
val NormalizeRowsJs(const val& rows, double n_in, double d_in) {
  return Guarded([&] {
    size_t n = 0, d = 0;
    if (val e = ReadCount(n_in, "rows", 0, UINT32_MAX, &n); !e.isUndefined()) return e;
    if (val e = ReadCount(d_in, "dimension", 1, kMaxDim, &d); !e.isUndefined()) return e;
    const double length = rows["length"].as<double>();
    if (length != double(n) * double(d)) {
      return InvalidArgument("embeddings have " + std::to_string(uint64_t(length)) +
                             " floats, not " + std::to_string(n) + " x " + std::to_string(d));
    }
    std::vector<float> x = CopyIn<float>(rows);
    std::vector<uint8_t> ok(n);
    NormalizeRows(x.data(), n, d, ok.data());
    val out = val::object();
    out.set("embeddings", CopyOut(x.data(), x.size()));
    out.set("rowOk", CopyOut(ok.data(), ok.size()));
    return out;
  });
}

// Float32Array of n probabilities, or an error value.
val ZeroShotJs(const val& image, const val& texts, double n_in, double d_in, float logit_scale) {
  return Guarded([&] {
    size_t n = 0, d = 0;
    if (val e = ReadCount(n_in, "labels", 1, UINT32_MAX, &n); !e.isUndefined()) return e;
    if (val e = ReadCount(d_in, "dimension", 1, kMaxDim, &d); !e.isUndefined()) return e;
    if (image["length"].as<double>() != double(d) ||
        texts["length"].as<double>() != double(n) * double(d)) {
      return InvalidArgument("zero-shot inputs do not match " + std::to_string(n) + " labels x " +
                             std::to_string(d) + " dims");
    }
    std::vector<float> a = CopyIn<float>(image), b = CopyIn<float>(texts), p(n);
    Status status = ZeroShotProbabilities(a.data(), b.data(), n, d, logit_scale, p.data());
    return status.ok() ? CopyOut(p.data(), p.size()) : ErrorValue(status);
  });
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_embedding) {
  using namespace clipscope::bindings;
  emscripten::function("normalizeRows", &NormalizeRowsJs);
  emscripten::function("zeroShotProbabilities", &ZeroShotJs);
}
