#include "clustering_values.h"

#include "marshal.h"
#include "size_limits.h"

namespace clipscope::bindings {

val KMeansOptionsFromJs(const val& options, KMeansOptions* out) {
  size_t init = 0, n_init = 0, max_iter = 0, metric = 0, mini_batch = 0;
  for (val error :
       {ReadCount(options["init"].as<double>(), "init", 0, 2, &init),
        ReadCount(options["nInit"].as<double>(), "nInit", 1, kMaxInits, &n_init),
        ReadCount(options["maxIter"].as<double>(), "maxIter", 1, kMaxIterations, &max_iter),
        ReadCount(options["metric"].as<double>(), "metric", 0, 1, &metric),
        ReadCount(options["miniBatch"].as<double>(), "miniBatch", 0, kMaxMiniBatch, &mini_batch)}) {
    if (!error.isUndefined()) return error;
  }
  // The seed is any safe integer: read as int64, not size_t (32 bits here).
  int64_t seed64 = 0;
  val seed_error =
      ReadInt(options["seed"].as<double>(), "seed", 0, (int64_t(1) << 53) - 1, &seed64);
  if (!seed_error.isUndefined()) return seed_error;
  out->init = static_cast<KMeansInit>(init);
  if (out->init == KMeansInit::kGiven)
    out->initial_centroids = CopyIn<float>(options["initialCentroids"]);
  out->n_init = int(n_init);
  out->max_iter = int(max_iter);
  out->tol = options["tol"].as<double>();
  out->seed = uint64_t(seed64);
  out->metric = static_cast<Metric>(metric);
  out->mini_batch = mini_batch;
  return val::undefined();
}

val KMeansToJs(const KMeansResult& result) {
  val out = val::object();
  out.set("centroids", CopyOut(result.centroids.data(), result.centroids.size()));
  out.set("labels", CopyOut(result.labels.data(), result.labels.size()));
  out.set("inertia", result.inertia);
  out.set("iterations", result.iterations);
  out.set("converged", result.converged);
  return out;
}

val AutoKToJs(const AutoKResult& result) {
  val out = val::object();
  std::vector<double> ks(result.ks.begin(), result.ks.end());
  out.set("ks", CopyOut(ks.data(), ks.size()));
  out.set("scores", CopyOut(result.scores.data(), result.scores.size()));
  out.set("inertias", CopyOut(result.inertias.data(), result.inertias.size()));
  out.set("bestK", result.best_k);
  out.set("best", KMeansToJs(result.best));
  return out;
}

val SummariesToJs(const std::vector<ClusterSummary>& summaries) {
  val out = val::array();
  for (size_t c = 0; c < summaries.size(); ++c) {
    const ClusterSummary& s = summaries[c];
    val one = val::object();
    one.set("size", s.size);
    one.set("representative", double(s.representative));
    one.set("members", CopyOut(s.members.data(), s.members.size()));
    one.set("distances", CopyOut(s.distances.data(), s.distances.size()));
    out.set(c, one);
  }
  return out;
}

val PcaToJs(const Pca2d& pca) {
  val out = val::object();
  out.set("coords", CopyOut(pca.coords.data(), pca.coords.size()));
  out.set("components", CopyOut(pca.components.data(), pca.components.size()));
  out.set("mean", CopyOut(pca.mean.data(), pca.mean.size()));
  out.set("explainedVariance", CopyOut(pca.explained_variance, 2));
  out.set("explainedVarianceRatio", CopyOut(pca.explained_variance_ratio, 2));
  return out;
}

}  // namespace clipscope::bindings
