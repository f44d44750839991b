// Embind functions for clustering, on rows from an array or from an index alike (row_source.h).
#include <emscripten/bind.h>

#include "clustering_values.h"
#include "guard.h"
#include "marshal.h"
#include "row_source.h"
#include "size_limits.h"
#include "umap_layout.h"

namespace clipscope::bindings {
namespace {

// Reads the rows of `source`, then runs fn on them inside the guard; the result carries the
// rows' ids when they came from an index.
template <typename Fn>
val OnRows(const val& source, Fn fn) {
  return Guarded([&] {
    Rows rows;
    if (val error = ReadRows(source, &rows); !error.isUndefined()) return error;
    return WithRowIds(fn(rows), rows);
  });
}

val KMeansRows(const val& source, double k_in, const val& options) {
  size_t k = 0;
  KMeansOptions parsed;
  if (val e = ReadCount(k_in, "k", 1, kMaxClusters, &k); !e.isUndefined()) return e;
  if (val e = KMeansOptionsFromJs(options, &parsed); !e.isUndefined()) return e;
  return OnRows(source, [&](const Rows& r) {
    auto result = KMeans(r.x, r.n, r.d, k, parsed);
    return result.ok() ? KMeansToJs(result.value()) : ErrorValue(result.status());
  });
}

val SilhouetteRows(const val& source, const val& labels, double metric_in, double sample_in,
                   double seed_in) {
  size_t metric = 0, sample = 0;
  int64_t seed = 0;
  if (val e = ReadCount(metric_in, "metric", 0, 1, &metric); !e.isUndefined()) return e;
  if (val e = ReadCount(sample_in, "sampleSize", 0, UINT32_MAX, &sample); !e.isUndefined()) {
    return e;
  }
  if (val e = ReadInt(seed_in, "seed", 0, (int64_t(1) << 53) - 1, &seed); !e.isUndefined()) {
    return e;
  }
  return OnRows(source, [&](const Rows& r) {
    std::vector<int32_t> l = CopyIn<int32_t>(labels);
    if (l.size() != r.n) {
      return ErrorValue(
          Status(ErrorCode::kDimensionMismatch,
                 std::to_string(l.size()) + " labels for " + std::to_string(r.n) + " points"));
    }
    auto score =
        Silhouette(r.x, r.n, r.d, l.data(), {static_cast<Metric>(metric), sample, uint64_t(seed)});
    if (!score.ok()) return ErrorValue(score.status());
    val out = val::object();
    out.set("score", score.value());
    return out;
  });
}

val AutoKRows(const val& source, double k_min_in, double k_max_in, const val& options,
              double sample_in) {
  size_t k_min = 0, k_max = 0, sample = 0;
  KMeansOptions parsed;
  if (val e = ReadCount(k_min_in, "kMin", 2, kMaxClusters, &k_min); !e.isUndefined()) return e;
  if (val e = ReadCount(k_max_in, "kMax", 2, kMaxClusters, &k_max); !e.isUndefined()) return e;
  if (val e = ReadCount(sample_in, "sampleSize", 0, UINT32_MAX, &sample); !e.isUndefined()) {
    return e;
  }
  if (val e = KMeansOptionsFromJs(options, &parsed); !e.isUndefined()) return e;
  return OnRows(source, [&](const Rows& r) {
    auto result = AutoK(r.x, r.n, r.d, k_min, k_max, parsed, sample);
    return result.ok() ? AutoKToJs(result.value()) : ErrorValue(result.status());
  });
}

val SummarizeRows(const val& source, const val& labels, const val& centroids, double k_in,
                  double metric_in) {
  size_t k = 0, metric = 0;
  if (val e = ReadCount(k_in, "k", 1, kMaxClusters, &k); !e.isUndefined()) return e;
  if (val e = ReadCount(metric_in, "metric", 0, 1, &metric); !e.isUndefined()) return e;
  return OnRows(source, [&](const Rows& r) {
    std::vector<int32_t> l = CopyIn<int32_t>(labels);
    std::vector<float> c = CopyIn<float>(centroids);
    if (l.size() != r.n || uint64_t(c.size()) != uint64_t(k) * r.d) {
      return ErrorValue(Status(ErrorCode::kDimensionMismatch,
                               "need one label per point and k x dim centroid values"));
    }
    for (int32_t label : l) {
      if (label < 0 || size_t(label) >= k) return InvalidArgument("labels must be in [0, k)");
    }
    return SummariesToJs(
        SummarizeClusters(r.x, r.n, r.d, l.data(), c.data(), k, static_cast<Metric>(metric)));
  });
}

val PcaRows(const val& source) {
  return OnRows(source, [&](const Rows& r) {
    auto pca = PrincipalComponents2d(r.x, r.n, r.d);
    return pca.ok() ? PcaToJs(pca.value()) : ErrorValue(pca.status());
  });
}

// {coords: Float32Array} or an error value. neighbours, epochs (0: automatic) and seed are
// range-checked here and again by the core.
val UmapRows(const val& source, double neighbours_in, double epochs_in, double seed_in) {
  size_t neighbours = 0, epochs = 0;
  int64_t seed = 0;
  if (val e = ReadCount(neighbours_in, "neighbours", 2, 200, &neighbours); !e.isUndefined())
    return e;
  if (val e = ReadCount(epochs_in, "epochs", 0, 5000, &epochs); !e.isUndefined()) return e;
  if (val e = ReadInt(seed_in, "seed", 0, (int64_t(1) << 53) - 1, &seed); !e.isUndefined())
    return e;
  return OnRows(source, [&](const Rows& r) {
    auto layout = UmapLayout(r.x, r.n, r.d, {neighbours, int(epochs), uint64_t(seed)});
    if (!layout.ok()) return ErrorValue(layout.status());
    val out = val::object();
    out.set("coords", CopyOut(layout.value().data(), layout.value().size()));
    return out;
  });
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_clustering) {
  using namespace clipscope::bindings;
  emscripten::function("kmeans", &KMeansRows);
  emscripten::function("silhouette", &SilhouetteRows);
  emscripten::function("autoK", &AutoKRows);
  emscripten::function("summarizeClusters", &SummarizeRows);
  emscripten::function("pca2d", &PcaRows);
  emscripten::function("umap2d", &UmapRows);
}
