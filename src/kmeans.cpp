#include "kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <string>

#include "centroid_groups.h"
#include "cluster_sums.h"
#include "parallel.h"
#include "random.h"
#include "row_scans.h"
#include "simd.h"
#include "size_limits.h"

namespace clipscope {
namespace {

std::string Str(size_t n) { return std::to_string(n); }

// Mini-batch steps between two groupings of the centroids (centroid_groups.h).
constexpr uint64_t kRegroupEvery = 20;
// Lloyd steps after the batches when assigning through centroid groups (at most, Refine below),
// on this many points per centroid.
constexpr int kRefinePasses = 10;
constexpr size_t kRefinePointsPerCentroid = 100;

// AssignNearest over rows [0, n) with the norms given: allocates nothing (a parallel share).
void AssignRows(const float* x, size_t n, const float* c, const float* c_norms, size_t k, size_t d,
                Metric metric, int32_t* labels, float* distances, const float* x_norms) {
  auto score = [=](size_t j, float dot) {  // what is minimised; |x|^2 is added at the end
    return metric == Metric::kEuclidean ? c_norms[j] - 2 * dot : -dot;
  };
  simd::ForEachDotBlock(n, simd::kMaxDotBlock, [=](size_t first, size_t size) {
    const float* p[simd::kMaxDotBlock];
    size_t best[simd::kMaxDotBlock] = {};
    float s[simd::kMaxDotBlock], dots[2 * simd::kMaxDotBlock];
    for (size_t m = 0; m < size; ++m) {
      p[m] = x + (first + m) * d, s[m] = std::numeric_limits<float>::infinity();
    }
    size_t j = 0;
    for (; j + 2 <= k; j += 2) {
      simd::DotMx2(p, size, c + j * d, c + (j + 1) * d, d, dots);
      for (size_t m = 0; m < size; ++m) {  // ties go to the lower centre index
        const float a = score(j, dots[2 * m]), b = score(j + 1, dots[2 * m + 1]);
        if (a < s[m]) s[m] = a, best[m] = j;
        if (b < s[m]) s[m] = b, best[m] = j + 1;
      }
    }
    for (; j < k; ++j) {
      for (size_t m = 0; m < size; ++m) {
        const float a = score(j, simd::Dot(p[m], c + j * d, d));
        if (a < s[m]) s[m] = a, best[m] = j;
      }
    }
    for (size_t m = 0; m < size; ++m) {
      const size_t i = first + m;
      labels[i] = int32_t(best[m]);
      distances[i] = metric == Metric::kEuclidean ? std::max(0.0f, x_norms[i] + s[m]) : 1.0f + s[m];
    }
  });
}

double SquaredDistance(const float* a, const float* b, size_t d) {
  double sum = 0;
  for (size_t j = 0; j < d; ++j) sum += (double(a[j]) - b[j]) * (double(a[j]) - b[j]);
  return sum;
}

// Squared euclidean distances from each of m points p (rows of p) to every row of x:
// out[j * n + i]. One pass over x for all m points, which stay in cache while it streams.
void DistancesTo(const float* x, size_t n, size_t d, const std::vector<float>& x_norms,
                 const float* p, size_t m, std::vector<double>* out) {
  const std::vector<float> p_norms = RowNorms(p, m, d);
  out->resize(m * n);
  // Ranges of rows in parallel shares, a few per thread: each writes only its rows' distances.
  double* const distances = out->data();
  const float *const row_norms = x_norms.data(), *const point_norms = p_norms.data();
  ForUnevenRanges(n, RowsPerShare(m * d), [=](size_t first, size_t last) {
    auto put = [=](size_t j, size_t i, float dot) {
      distances[j * n + i] = std::max(0.0f, row_norms[i] - 2 * dot + point_norms[j]);
    };
    size_t i = first;
    for (; i + 2 <= last; i += 2) {  // two rows against up to five points per kernel call
      const float *r0 = x + i * d, *r1 = r0 + d;
      simd::ForEachDotBlock(m, simd::kMaxDotBlock, [=](size_t j0, size_t size) {
        const float* points[simd::kMaxDotBlock];
        for (size_t j = 0; j < size; ++j) points[j] = p + (j0 + j) * d;
        float dots[2 * simd::kMaxDotBlock];
        simd::DotMx2(points, size, r0, r1, d, dots);
        for (size_t j = 0; j < size; ++j)
          put(j0 + j, i, dots[2 * j]), put(j0 + j, i + 1, dots[2 * j + 1]);
      });
    }
    for (; i < last; ++i) {
      for (size_t j = 0; j < m; ++j) put(j, i, simd::Dot(p + j * d, x + i * d, d));
    }
  });
}

// Greedy k-means++ (scikit-learn's _kmeans_plusplus):
// 1. the first centre is a uniformly random point;
// 2. each next centre: draw 2 + floor(ln k) candidates with probability proportional to the
//    squared distance to the nearest chosen centre, keep the candidate that lowers the total
//    the most (distances to all candidates in one pass over the data).
std::vector<float> KMeansPlusPlus(const float* x, size_t n, size_t d, size_t k,
                                  const std::vector<float>& x_norms, Random& rng) {
  std::vector<float> centres(k * d);
  const size_t trials = 2 + size_t(std::log(double(k)));
  size_t first = rng.Below(n);
  std::copy_n(x + first * d, d, centres.begin());
  std::vector<double> closest, candidate_dist, cumulative(n);
  DistancesTo(x, n, d, x_norms, x + first * d, 1, &closest);
  double potential = std::accumulate(closest.begin(), closest.end(), 0.0);
  std::vector<size_t> ids(trials);
  std::vector<float> candidates(trials * d);
  for (size_t c = 1; c < k; ++c) {
    std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
    for (size_t t = 0; t < trials; ++t) {
      const double target = rng.Uniform() * potential;
      ids[t] =
          std::min<size_t>(n - 1, std::lower_bound(cumulative.begin(), cumulative.end(), target) -
                                      cumulative.begin());
      std::copy_n(x + ids[t] * d, d, candidates.begin() + t * d);
    }
    DistancesTo(x, n, d, x_norms, candidates.data(), trials, &candidate_dist);
    double best_potential = std::numeric_limits<double>::infinity();
    size_t best = 0;
    for (size_t t = 0; t < trials; ++t) {
      double candidate_potential = 0;
      for (size_t i = 0; i < n; ++i)
        candidate_potential += std::min(candidate_dist[t * n + i], closest[i]);
      if (candidate_potential < best_potential) best_potential = candidate_potential, best = t;
    }
    potential = best_potential;
    for (size_t i = 0; i < n; ++i) closest[i] = std::min(closest[i], candidate_dist[best * n + i]);
    std::copy_n(x + ids[best] * d, d, centres.begin() + c * d);
  }
  return centres;
}

std::vector<float> RandomInit(const float* x, size_t n, size_t d, size_t k, Random& rng) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::vector<float> centres(k * d);
  for (size_t c = 0; c < k; ++c) {  // partial Fisher-Yates: k distinct points
    std::swap(order[c], order[c + rng.Below(n - c)]);
    std::copy_n(x + order[c] * d, d, centres.begin() + c * d);
  }
  return centres;
}

// Moves the farthest points into empty clusters (scikit-learn's relocation), taking only
// points whose cluster keeps at least one member, so no cluster is left empty and no centre
// becomes NaN. sums: k * d, counts: k; distances: each point's distance to its old centre.
void RelocateEmptyClusters(const float* x, size_t d, size_t k, const std::vector<float>& distances,
                           const std::vector<int32_t>& labels, std::vector<double>* sums,
                           std::vector<size_t>* counts) {
  std::vector<size_t> empty;
  for (size_t c = 0; c < k; ++c) {
    if ((*counts)[c] == 0) empty.push_back(c);
  }
  if (empty.empty()) return;
  std::vector<size_t> far(distances.size());
  std::iota(far.begin(), far.end(), 0);
  std::stable_sort(far.begin(), far.end(),
                   [&](size_t a, size_t b) { return distances[a] > distances[b]; });
  size_t next = 0;
  for (size_t c : empty) {
    while ((*counts)[labels[far[next]]] <= 1) ++next;  // k <= n: always found
    const size_t i = far[next++];
    const size_t old = labels[i];
    for (size_t j = 0; j < d; ++j) {
      (*sums)[old * d + j] -= x[i * d + j];
      (*sums)[c * d + j] = x[i * d + j];
    }
    --(*counts)[old];
    (*counts)[c] = 1;
  }
}

// Moves each centre to the mean of its points (sums / counts; no count is 0 after
// RelocateEmptyClusters), unit length for cosine; returns the squared distance they moved.
double MoveCentres(const std::vector<double>& sums, const std::vector<size_t>& counts, size_t d,
                   Metric metric, std::vector<float>* centres) {
  double shift = 0;
  std::vector<float> updated(d);
  for (size_t c = 0; c < counts.size(); ++c) {
    float* centre = &(*centres)[c * d];
    for (size_t j = 0; j < d; ++j) updated[j] = float(sums[c * d + j] / double(counts[c]));
    if (metric == Metric::kCosine) NormalizeRow(updated.data(), d);
    shift += SquaredDistance(centre, updated.data(), d);
    std::copy(updated.begin(), updated.end(), centre);
  }
  return shift;
}

// Points per range of AssignAndSum: on one thread, few enough that a range is still in cache when
// its rows are summed (one pass over memory per iteration instead of two); on threads, at least
// enough work per share (k * d multiply-adds a point) that handing it out costs little.
size_t AssignAndSumRange(size_t k, size_t d) {
  const size_t cache_range = std::max<size_t>(2, (256 * 1024) / (d * sizeof(float)) / 2 * 2);
  return WorkerThreads() > 1 ? std::max(cache_range, RowsPerShare(k * d)) : cache_range;
}

// AssignAndSumInOrder with every centre compared (AssignNearest's work).
void AssignAndSum(const float* x, size_t n, size_t d, const float* centres, size_t k, Metric metric,
                  const float* x_norms, int32_t* labels, float* distances, double* sums,
                  size_t* counts) {
  const std::vector<float> c_norms = RowNorms(centres, k, d);
  const float* const centre_norms = c_norms.data();
  AssignAndSumInOrder(
      x, n, d, k, AssignAndSumRange(k, d),
      [=](size_t first, size_t last) {
        AssignRows(x + first * d, last - first, centres, centre_norms, k, d, metric, labels + first,
                   distances + first, x_norms + first);
      },
      labels, sums, counts);
}

// Lloyd iterations from the given centres, in scikit-learn's order (_kmeans_single_lloyd):
// 1. assign every point to its nearest centre, 2. move each centre to its points' mean
// (repairing empty clusters), 3. stop when no label changed or the centres moved less than
// tol; then 4. if stopped on tol or max_iter, assign once more so labels match the centres.
KMeansResult Lloyd(const float* x, size_t n, size_t d, size_t k, std::vector<float> centres,
                   const KMeansOptions& options, double tol, const std::vector<float>& x_norms) {
  KMeansResult result;
  std::vector<int32_t> labels(n, -1), old_labels(n, -1);
  std::vector<float> distances(n);
  std::vector<double> sums(k * d);
  std::vector<size_t> counts(k);
  bool strict = false;
  for (int it = 0; it < options.max_iter; ++it) {
    AssignAndSum(x, n, d, centres.data(), k, options.metric, x_norms.data(), labels.data(),
                 distances.data(), sums.data(), counts.data());
    RelocateEmptyClusters(x, d, k, distances, labels, &sums, &counts);
    const double shift = MoveCentres(sums, counts, d, options.metric, &centres);
    result.iterations = it + 1;
    if (labels == old_labels) {
      strict = result.converged = true;
      break;
    }
    if (shift <= tol) {
      result.converged = true;
      break;
    }
    old_labels = labels;
  }
  if (!strict) {
    AssignNearest(x, n, centres.data(), k, d, options.metric, labels.data(), distances.data(),
                  x_norms.data());
  }
  result.inertia = Inertia(x, n, d, centres.data(), labels.data(), options.metric);
  result.centroids = std::move(centres);
  result.labels = std::move(labels);
  return result;
}

// With many centroids a batch holds about one point per centroid, and the batches stop before
// the centres settle: Lloyd steps through the centroid groups on kRefinePointsPerCentroid
// distinct random points per centroid (all the points when that is more than half of them)
// settle them at the cost of a fraction of a pass over a million points.
void Refine(const float* x, size_t n, size_t d, size_t k, const KMeansOptions& options, double tol,
            Random& rng, const std::vector<float>& x_norms, std::vector<float>* centres) {
  std::vector<float> sample, sample_norms;
  const float* rows = x;
  const float* norms = x_norms.data();
  size_t m = n;
  if (kRefinePointsPerCentroid * k <= n / 2) {
    m = kRefinePointsPerCentroid * k;
    sample = RandomInit(x, n, d, m, rng);
    sample_norms = RowNorms(sample.data(), m, d);
    rows = sample.data(), norms = sample_norms.data();
  }
  std::vector<int32_t> labels(m), old_labels;
  std::vector<float> distances(m);
  std::vector<double> sums(k * d);
  std::vector<size_t> counts(k);
  for (int pass = 0; pass < kRefinePasses; ++pass) {
    const CentroidGroups groups(centres->data(), k, d, options.metric,
                                options.seed + uint64_t(pass));
    // The groups' blocks of points, one per share, each with a scratch no running share holds.
    ScratchSlots<CentroidGroups::BlockScratch> slots(size_t(WorkerThreads()), groups.MakeScratch());
    const CentroidGroups* const grouping = &groups;
    ScratchSlots<CentroidGroups::BlockScratch>* const scratch = &slots;
    int32_t* const point_labels = labels.data();
    float* const point_distances = distances.data();
    AssignAndSumInOrder(
        rows, m, d, k, CentroidGroups::kBlockPoints,
        [=](size_t first, size_t last) {
          scratch->With([=](CentroidGroups::BlockScratch* s) {
            grouping->AssignBlock(rows + first * d, last - first, norms + first,
                                  point_labels + first, point_distances + first, s);
          });
        },
        point_labels, sums.data(), counts.data());
    if (labels == old_labels) return;  // a Lloyd fixed point
    old_labels = labels;
    RelocateEmptyClusters(rows, d, k, distances, labels, &sums, &counts);
    if (MoveCentres(sums, counts, d, options.metric, centres) <= tol) return;
  }
}

// The mini-batch's rows (picks) copied out of x in parallel ranges, and for centroid groups
// their squared norms.
void CopyBatch(const float* x, size_t d, const std::vector<size_t>& picks, bool with_norms,
               std::vector<float>* batch_x, std::vector<float>* batch_norms) {
  const size_t* const from = picks.data();
  float* const to = batch_x->data();
  float* const norms = with_norms ? batch_norms->data() : nullptr;
  ForRanges(picks.size(), RowsPerShare(d), [=](size_t first, size_t last) {
    for (size_t b = first; b < last; ++b) {
      std::copy_n(x + from[b] * d, d, to + b * d);
      if (norms) norms[b] = RowDot(to + b * d, to + b * d, d);
    }
  });
}

// The batch's rows of each centre, in row order (a counting sort): centre c's rows are
// rows[start[c] .. start[c + 1]). next: scratch of k.
void ListRowsByCentre(const std::vector<int32_t>& labels, size_t k, std::vector<uint32_t>* start,
                      std::vector<uint32_t>* next, std::vector<uint32_t>* rows) {
  start->assign(k + 1, 0u);
  for (int32_t label : labels) ++(*start)[size_t(label) + 1];
  for (size_t c = 0; c < k; ++c) (*start)[c + 1] += (*start)[c];
  next->assign(start->begin(), start->end() - 1);
  for (size_t b = 0; b < labels.size(); ++b) (*rows)[(*next)[size_t(labels[b])]++] = uint32_t(b);
}

// Mini-batch step 2: every centre that got points moves to the running mean of all points ever
// assigned to it (counts), unit length for cosine; shifts[c] is how far (squared). Ranges of
// centres in parallel, each summing its centres' batch rows in row order (into its rows of
// `sums`, in double, as SumRowsByLabel would) and moving them through its rows of `moved`.
void MoveToRunningMeans(const std::vector<float>& batch_x, size_t d,
                        const std::vector<uint32_t>& start, const std::vector<uint32_t>& rows,
                        Metric metric, std::vector<double>* counts, std::vector<float>* centres,
                        std::vector<double>* sums, std::vector<float>* moved,
                        std::vector<double>* shifts) {
  const float* const batch = batch_x.data();
  const uint32_t *const first_row = start.data(), *const row_of = rows.data();
  double *const count = counts->data(), *const sum_rows = sums->data();
  float *const centre_rows = centres->data(), *const moved_rows = moved->data();
  double* const shift = shifts->data();
  // Centres differ in how many batch rows they sum: a few ranges per thread.
  ForUnevenRanges(counts->size(), [=](size_t first, size_t last) {
    for (size_t c = first; c < last; ++c) {
      const uint32_t from = first_row[c], to = first_row[c + 1];
      if (from == to) continue;
      double* sum = sum_rows + c * d;
      std::fill(sum, sum + d, 0.0);
      for (uint32_t r = from; r < to; ++r) AddRow(sum, batch + size_t(row_of[r]) * d, d);
      const size_t got = to - from;
      count[c] += double(got);
      float* centre = centre_rows + c * d;
      float* updated = moved_rows + c * d;
      for (size_t j = 0; j < d; ++j) {
        updated[j] = float(centre[j] + (sum[j] - got * double(centre[j])) / count[c]);
      }
      if (metric == Metric::kCosine) NormalizeRow(updated, d);
      shift[c] = SquaredDistance(centre, updated, d);
      std::copy_n(updated, d, centre);
    }
  });
}

// Mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans without reassignment):
// 1. each step draws `batch` points at random and assigns them, 2. every centre moves to the
// running mean of all points ever assigned to it, 3. stop after max_iter passes' worth of
// steps, or when the smoothed batch inertia has not improved for 10 steps, or when the centres
// moved less than tol; 4. assign every point once with the final centres. From k = 256 on,
// points are assigned through centroid groups (centroid_groups.h): what makes k = 1,000 at a
// million points take seconds per pass instead of minutes.
KMeansResult MiniBatch(const float* x, size_t n, size_t d, size_t k, std::vector<float> centres,
                       const KMeansOptions& options, double tol, Random& rng,
                       const std::vector<float>& x_norms) {
  KMeansResult result;
  const size_t batch = std::min(options.mini_batch, n);
  const uint64_t steps = uint64_t(options.max_iter) * ((n + batch - 1) / batch);
  std::vector<float> batch_x(batch * d), distances(batch), moved(k * d);
  std::vector<int32_t> labels(batch);
  std::vector<double> counts(k, 0.0), sums(k * d), shifts(k);
  std::vector<size_t> picks(batch);
  std::vector<uint32_t> start(k + 1), next(k), rows(batch);
  const double alpha = std::min(1.0, 2.0 * double(batch) / double(n + 1));
  double smoothed = -1, best = std::numeric_limits<double>::infinity();
  int no_improvement = 0;
  const bool grouped = UsesCentroidGroups(k);
  std::vector<float> batch_norms(grouped ? batch : 0);
  std::optional<CentroidGroups> groups;
  for (uint64_t step = 0; step < steps; ++step) {
    for (size_t b = 0; b < batch; ++b) picks[b] = rng.Below(n);
    CopyBatch(x, d, picks, grouped, &batch_x, &batch_norms);
    if (grouped) {
      // Regrouped now and then (the centres drift), refreshed every step.
      if (step % kRegroupEvery == 0)
        groups.emplace(centres.data(), k, d, options.metric, options.seed + step);
      else
        groups->Update(centres.data());
      groups->Assign(batch_x.data(), batch, batch_norms.data(), labels.data(), distances.data());
    } else {
      AssignNearest(batch_x.data(), batch, centres.data(), k, d, options.metric, labels.data(),
                    distances.data());
    }
    ListRowsByCentre(labels, k, &start, &next, &rows);
    double batch_inertia = 0;
    for (size_t b = 0; b < batch; ++b) batch_inertia += distances[b];
    MoveToRunningMeans(batch_x, d, start, rows, options.metric, &counts, &centres, &sums, &moved,
                       &shifts);
    double shift = 0;  // in centre order, as on one thread
    for (size_t c = 0; c < k; ++c) {
      if (start[c + 1] != start[c]) shift += shifts[c];
    }
    result.iterations = int(step + 1);
    batch_inertia /= double(batch);
    smoothed = smoothed < 0 ? batch_inertia : smoothed * (1 - alpha) + batch_inertia * alpha;
    if (smoothed < best) {
      best = smoothed, no_improvement = 0;
    } else if (++no_improvement >= 10) {
      result.converged = true;
      break;
    }
    if (tol > 0 && shift <= tol) {
      result.converged = true;
      break;
    }
  }
  result.labels.resize(n);
  std::vector<float> all_distances(n);
  if (grouped) Refine(x, n, d, k, options, tol, rng, x_norms, &centres);
  if (grouped) {
    CentroidGroups(centres.data(), k, d, options.metric, options.seed)
        .Assign(x, n, x_norms.data(), result.labels.data(), all_distances.data());
  } else {
    AssignNearest(x, n, centres.data(), k, d, options.metric, result.labels.data(),
                  all_distances.data(), x_norms.data());
  }
  result.inertia = Inertia(x, n, d, centres.data(), result.labels.data(), options.metric);
  result.centroids = std::move(centres);
  return result;
}

Status Validate(const float* x, size_t n, size_t d, size_t k, const KMeansOptions& options) {
  if (n == 0) return Status(ErrorCode::kInvalidArgument, "kmeans needs at least one point, got 0");
  if (d == 0) return Status(ErrorCode::kInvalidArgument, "kmeans needs at least one dimension");
  if (k == 0) return Status(ErrorCode::kInvalidArgument, "k must be at least 1, got 0");
  if (k > n) {
    return Status(ErrorCode::kInvalidArgument,
                  "k must be at most the number of points: k = " + Str(k) + ", n = " + Str(n));
  }
  if (options.n_init < 1) return Status(ErrorCode::kInvalidArgument, "nInit must be at least 1");
  if (options.max_iter < 1)
    return Status(ErrorCode::kInvalidArgument, "maxIter must be at least 1");
  for (Status bounded : {CheckAtMost("k", k, kMaxClusters), CheckAtMost("d", d, kMaxDim),
                         CheckAtMost("nInit", uint64_t(options.n_init), kMaxInits),
                         CheckAtMost("maxIter", uint64_t(options.max_iter), kMaxIterations),
                         CheckAtMost("miniBatch", options.mini_batch, kMaxMiniBatch)}) {
    if (!bounded.ok()) return bounded;
  }
  if (!(options.tol >= 0)) return Status(ErrorCode::kInvalidArgument, "tol must be at least 0");
  if (options.init == KMeansInit::kGiven && options.initial_centroids.size() != k * d) {
    return Status(ErrorCode::kDimensionMismatch,
                  "initial centroids have " + Str(options.initial_centroids.size()) +
                      " values; expected k x d = " + Str(k) + " x " + Str(d) + " = " + Str(k * d));
  }
  if (const NonFiniteValue bad = FirstNonFiniteValue(x, n, d); bad.row < n) {
    return Status(ErrorCode::kNotFinite,
                  "point " + Str(bad.row) + " has a non-finite value at dimension " + Str(bad.dim));
  }
  for (float v : options.initial_centroids) {
    if (!std::isfinite(v))
      return Status(ErrorCode::kNotFinite, "initial centroids hold NaN or Inf");
  }
  return Status::Ok();
}

}  // namespace

void AssignNearest(const float* x, size_t n, const float* c, size_t k, size_t d, Metric metric,
                   int32_t* labels, float* distances, const float* x_norms_in) {
  // 1. Distances as |x|^2 - 2 x.c + |c|^2 (cosine: 1 - x.c) from one dot-product kernel.
  // 2. Up to five points at a time against centre pairs (DotMx2): each point is read once per
  //    pass over the centres, which stay in cache. 3. Ties go to the lower centre index.
  // 4. Ranges of points in parallel shares, a few per thread: a point's label depends on it
  //    alone.
  std::vector<float> own_norms;
  if (!x_norms_in) own_norms = RowNorms(x, n, d);
  const float* x_norms = x_norms_in ? x_norms_in : own_norms.data();
  const std::vector<float> c_norms = RowNorms(c, k, d);
  const float* centre_norms = c_norms.data();
  ForUnevenRanges(n, RowsPerShare(k * d), [=](size_t first, size_t last) {
    AssignRows(x + first * d, last - first, c, centre_norms, k, d, metric, labels + first,
               distances + first, x_norms + first);
  });
}

Result<KMeansResult> KMeans(const float* x_in, size_t n, size_t d, size_t k,
                            const KMeansOptions& options) {
  Status valid = Validate(x_in, n, d, k, options);
  if (!valid.ok()) return valid;
  // Spherical k-means works on unit rows; the caller's data is left untouched. Rows that are
  // unit length already (an index's, or embeddings normalised by the caller) are used as they
  // are: a million 512-d rows are 2 GB, and a copy would not fit beside them in WASM memory.
  std::vector<float> unit;
  const float* x = x_in;
  if (options.metric == Metric::kCosine) {
    const NormCheck norms = CheckNorms(x_in, n, d);
    if (norms.first_zero_row < n) {
      return Status(ErrorCode::kZeroVector,
                    "point " + Str(norms.first_zero_row) + " is all zeros: it has no direction");
    }
    if (!norms.all_unit) {
      unit.assign(x_in, x_in + n * d);
      NormalizeEachRow(unit.data(), n, d);
      x = unit.data();
    }
  }
  const double tol = options.tol * MeanVariance(x, n, d);
  const std::vector<float> x_norms = RowNorms(x, n, d);  // once for seeding and every iteration
  KMeansResult best;
  bool have_best = false;
  for (int run = 0; run < options.n_init; ++run) {
    Random rng(options.seed * 0x100000001B3ull + uint64_t(run));
    std::vector<float> centres;
    if (options.init == KMeansInit::kGiven) {
      centres = options.initial_centroids;
      if (options.metric == Metric::kCosine) {
        for (size_t c = 0; c < k; ++c) NormalizeRow(&centres[c * d], d);
      }
    } else if (options.init == KMeansInit::kRandom) {
      centres = RandomInit(x, n, d, k, rng);
    } else if (options.mini_batch && n > 3 * options.mini_batch && n > 3 * k) {
      // Mini-batch starts from full k-means on a random subsample of 3 batches (scikit-learn's
      // init_size): a poor start is costly, since mini-batch steps rarely leave its basin.
      // Many centroids need a larger sample to be spread well (ten points each).
      const size_t sample =
          std::min(n, std::max(3 * options.mini_batch, (UsesCentroidGroups(k) ? 10 : 3) * k));
      std::vector<float> subset = RandomInit(x, n, d, sample, rng);
      KMeansOptions seeding;
      // With many centroids the sample holds a few points each: a start, not a clustering.
      seeding.n_init = UsesCentroidGroups(k) ? 1 : 3;
      seeding.max_iter = UsesCentroidGroups(k) ? 3 : 20;
      seeding.seed = rng.Next();
      seeding.metric = options.metric;
      centres = KMeans(subset.data(), sample, d, k, seeding).value().centroids;
    } else {
      centres = KMeansPlusPlus(x, n, d, k, x_norms, rng);
    }
    KMeansResult result =
        options.mini_batch ? MiniBatch(x, n, d, k, std::move(centres), options, tol, rng, x_norms)
                           : Lloyd(x, n, d, k, std::move(centres), options, tol, x_norms);
    if (!have_best || result.inertia < best.inertia) best = std::move(result), have_best = true;
  }
  return best;
}

}  // namespace clipscope
