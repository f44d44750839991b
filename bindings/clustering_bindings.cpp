// Embind functions for clustering plain Float32Array data (index data: index_bindings.cpp).
#include <emscripten/bind.h>

#include "clustering_values.h"
#include "guard.h"
#include "marshal.h"
#include "size_limits.h"

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

val KMeansData(const val& data, double dim_in, double k_in, const val& options) {
  return Guarded([&] {
    size_t dim = 0, k = 0;
    KMeansOptions parsed;
    if (val e = ReadCount(dim_in, "dim", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(k_in, "k", 1, kMaxClusters, &k); !e.isUndefined()) return e;
    if (val e = KMeansOptionsFromJs(options, &parsed); !e.isUndefined()) return e;
    std::vector<float> x = CopyIn<float>(data);
    if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
    auto result = KMeans(x.data(), x.size() / dim, dim, k, parsed);
    return result.ok() ? KMeansToJs(result.value()) : ErrorValue(result.status());
  });
}

val SilhouetteData(const val& data, double dim_in, const val& labels, double metric_in,
                   double sample_in, double seed_in) {
  return Guarded([&] {
    size_t dim = 0, metric = 0, sample = 0;
    int64_t seed = 0;
    if (val e = ReadCount(dim_in, "dim", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(metric_in, "metric", 0, 1, &metric); !e.isUndefined()) return e;
    if (val e = ReadCount(sample_in, "sampleSize", 0, UINT32_MAX, &sample); !e.isUndefined())
      return e;
    if (val e = ReadInt(seed_in, "seed", 0, (int64_t(1) << 53) - 1, &seed); !e.isUndefined())
      return e;
    std::vector<float> x = CopyIn<float>(data);
    if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
    std::vector<int32_t> l = CopyIn<int32_t>(labels);
    if (l.size() != x.size() / dim) {
      return ErrorValue(Status(
          ErrorCode::kDimensionMismatch,
          std::to_string(l.size()) + " labels for " + std::to_string(x.size() / dim) + " points"));
    }
    auto score = Silhouette(x.data(), l.size(), dim, l.data(),
                            {static_cast<Metric>(metric), sample, uint64_t(seed)});
    if (!score.ok()) return ErrorValue(score.status());
    val out = val::object();
    out.set("score", score.value());
    return out;
  });
}

val AutoKData(const val& data, double dim_in, double k_min_in, double k_max_in, const val& options,
              double sample_in) {
  return Guarded([&] {
    size_t dim = 0, k_min = 0, k_max = 0, sample = 0;
    KMeansOptions parsed;
    if (val e = ReadCount(dim_in, "dim", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(k_min_in, "kMin", 2, kMaxClusters, &k_min); !e.isUndefined()) return e;
    if (val e = ReadCount(k_max_in, "kMax", 2, kMaxClusters, &k_max); !e.isUndefined()) return e;
    if (val e = ReadCount(sample_in, "sampleSize", 0, UINT32_MAX, &sample); !e.isUndefined())
      return e;
    if (val e = KMeansOptionsFromJs(options, &parsed); !e.isUndefined()) return e;
    std::vector<float> x = CopyIn<float>(data);
    if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
    auto result = AutoK(x.data(), x.size() / dim, dim, k_min, k_max, parsed, sample);
    return result.ok() ? AutoKToJs(result.value()) : ErrorValue(result.status());
  });
}

val SummarizeData(const val& data, double dim_in, const val& labels, const val& centroids,
                  double k_in, double metric_in) {
  return Guarded([&] {
    size_t dim = 0, k = 0, metric = 0;
    if (val e = ReadCount(dim_in, "dim", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    if (val e = ReadCount(k_in, "k", 1, kMaxClusters, &k); !e.isUndefined()) return e;
    if (val e = ReadCount(metric_in, "metric", 0, 1, &metric); !e.isUndefined()) return e;
    std::vector<float> x = CopyIn<float>(data), c = CopyIn<float>(centroids);
    std::vector<int32_t> l = CopyIn<int32_t>(labels);
    if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
    if (l.size() != x.size() / dim || uint64_t(c.size()) != uint64_t(k) * dim) {
      return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                               "need one label per point and k x dim centroid values"));
    }
    for (int32_t label : l) {
      if (label < 0 || size_t(label) >= k) return InvalidArgument("labels must be in [0, k)");
    }
    return SummariesToJs(SummarizeClusters(x.data(), l.size(), dim, l.data(), c.data(), k,
                                           static_cast<Metric>(metric)));
  });
}

val PcaData(const val& data, double dim_in) {
  return Guarded([&] {
    size_t dim = 0;
    if (val e = ReadCount(dim_in, "dim", 1, kMaxDim, &dim); !e.isUndefined()) return e;
    std::vector<float> x = CopyIn<float>(data);
    if (val error = CheckRows(x, dim); !error.isUndefined()) return error;
    auto pca = PrincipalComponents2d(x.data(), x.size() / dim, dim);
    return pca.ok() ? PcaToJs(pca.value()) : ErrorValue(pca.status());
  });
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
