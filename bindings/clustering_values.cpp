#include "clustering_values.h"

#include "marshal.h"

namespace clipscope::bindings {

KMeansOptions KMeansOptionsFromJs(const val& options) {
  KMeansOptions out;
  out.init = static_cast<KMeansInit>(options["init"].as<int>());
  if (out.init == KMeansInit::kGiven) out.initial_centroids = CopyIn<float>(options["initialCentroids"]);
  out.n_init = options["nInit"].as<int>();
  out.max_iter = options["maxIter"].as<int>();
  out.tol = options["tol"].as<double>();
  out.seed = uint64_t(options["seed"].as<double>());
  out.metric = static_cast<Metric>(options["metric"].as<int>());
  out.mini_batch = options["miniBatch"].as<size_t>();
  return out;
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
