// Clustering options and results as JS values (lib/clustering/clustering.ts builds and reads them).
#pragma once

#include <emscripten/val.h>

#include "cluster_analysis.h"
#include "kmeans.h"
#include "pca.h"

namespace clipscope::bindings {

using emscripten::val;

// options: {init, initialCentroids?, nInit, maxIter, tol, seed, metric, miniBatch}. Each number
// is range-checked (size_limits.h); undefined, or an InvalidArgument error value.
val KMeansOptionsFromJs(const val& options, KMeansOptions* out);

val KMeansToJs(const KMeansResult& result);
val AutoKToJs(const AutoKResult& result);
val SummariesToJs(const std::vector<ClusterSummary>& summaries);
val PcaToJs(const Pca2d& pca);

}  // namespace clipscope::bindings
