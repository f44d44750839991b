// Embind functions for clustering plain Float32Array data (index data: index_bindings.cpp).
#include <emscripten/bind.h>

#include "clustering_values.h"
#include "marshal.h"

namespace clipscope::bindings {
namespace {

// data: a Float32Array of n * dim floats. Returns the error value, or undefined when valid.
val CheckRows(const std::vector<float>& data, size_t dim) {
  if (dim == 0 || data.size() % dim != 0) {
    return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                             "data has " + std::to_string(data.size()) +
                                 " values, not a multiple of dim = " + std::to_string(dim)));
  }
  return val::undefined();
}

val KMeansData(const val& data, size_t dim, size_t k, const val& options) {
  std::vector<float> x = CopyIn<float>(data);
  if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
  auto result = KMeans(x.data(), x.size() / dim, dim, k, KMeansOptionsFromJs(options));
  return result.ok() ? KMeansToJs(result.value()) : ErrorValue(result.status());
}

val SilhouetteData(const val& data, size_t dim, const val& labels, int metric, size_t sample,
                   double seed) {
  std::vector<float> x = CopyIn<float>(data);
  if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
  std::vector<int32_t> l = CopyIn<int32_t>(labels);
  if (l.size() * dim != x.size()) {
    return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                             std::to_string(l.size()) + " labels for " +
                                 std::to_string(x.size() / dim) + " points"));
  }
  auto score = Silhouette(x.data(), l.size(), dim, l.data(),
                          {static_cast<Metric>(metric), sample, uint64_t(seed)});
  if (!score.ok()) return ErrorValue(score.status());
  val out = val::object();
  out.set("score", score.value());
  return out;
}

val AutoKData(const val& data, size_t dim, size_t k_min, size_t k_max, const val& options,
              size_t sample) {
  std::vector<float> x = CopyIn<float>(data);
  if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
  auto result = AutoK(x.data(), x.size() / dim, dim, k_min, k_max, KMeansOptionsFromJs(options), sample);
  return result.ok() ? AutoKToJs(result.value()) : ErrorValue(result.status());
}

val SummarizeData(const val& data, size_t dim, const val& labels, const val& centroids, size_t k,
                  int metric) {
  std::vector<float> x = CopyIn<float>(data), c = CopyIn<float>(centroids);
  std::vector<int32_t> l = CopyIn<int32_t>(labels);
  if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
  if (l.size() * dim != x.size() || c.size() != k * dim) {
    return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                             "need one label per point and k x dim centroid values"));
  }
  for (int32_t label : l) {
    if (label < 0 || size_t(label) >= k) return InvalidArgument("labels must be in [0, k)");
  }
  return SummariesToJs(SummarizeClusters(x.data(), l.size(), dim, l.data(), c.data(), k,
                                         static_cast<Metric>(metric)));
}

val PcaData(const val& data, size_t dim) {
  std::vector<float> x = CopyIn<float>(data);
  if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
  auto pca = PrincipalComponents2d(x.data(), x.size() / dim, dim);
  return pca.ok() ? PcaToJs(pca.value()) : ErrorValue(pca.status());
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_clustering) {
  using namespace clipscope::bindings;
  emscripten::function("kmeans", &KMeansData);
  emscripten::function("silhouette", &SilhouetteData);
  emscripten::function("autoK", &AutoKData);
  emscripten::function("summarizeClusters", &SummarizeData);
  emscripten::function("pca2d", &PcaData);
}
