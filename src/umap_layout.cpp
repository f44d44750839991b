#include "umap_layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "neighbours.h"
#include "pca.h"
#include "random.h"
#include "umap_forces.h"

namespace clipscope {
namespace {

constexpr int kNegativeSamples = 5;
// Above this many points 200 epochs instead of 500 (umap-learn's rule, at 10,000): the layout
// settles as well, in 2.5 times less time.
constexpr size_t kManyPoints = 4096;

// Negative samples come from xorshift32 scaled by a multiply (Random::Below's 64-bit modulo
// was most of the layout's time).
// Four independent streams, so four samples are drawn at once (one stream's steps wait on
// each other).
class FastRandom {
 public:
  explicit FastRandom(uint64_t seed) {
    Random seeds(seed);
    for (uint32_t& s : state_) s = uint32_t(seeds.Next()) | 1u;
  }
  uint32_t Below(uint32_t n) { return Step(0, n); }
  void Below4(uint32_t n, uint32_t out[4]) {
    for (int l = 0; l < 4; ++l) out[l] = Step(l, n);
  }

 private:
  uint32_t Step(int lane, uint32_t n) {
    uint32_t& s = state_[lane];
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return uint32_t((uint64_t(s) * n) >> 32);
  }
  uint32_t state_[4];
};

struct Edge {
  uint32_t head, tail;
  float weight;
};

// umap-learn's smooth_knn_dist: each row's distance to its nearest neighbour (rho) and the
// scale sigma that makes its memberships exp(-(d - rho) / sigma) sum to log2(neighbours).
void MembershipsOfRow(const float* distance, size_t k, float mean_distance, float* weight) {
  const double target = std::log2(double(k + 1));
  const double rho = distance[0];
  double low = 0, high = INFINITY, sigma = 1;
  for (int step = 0; step < 64; ++step) {
    double sum = 0;
    for (size_t j = 0; j < k; ++j) {
      const double gap = double(distance[j]) - rho;
      sum += gap > 0 ? std::exp(-gap / sigma) : 1.0;
    }
    if (std::fabs(sum - target) < 1e-5) break;
    if (sum > target) {
      high = sigma;
      sigma = (low + high) / 2;
    } else {
      low = sigma;
      sigma = high == INFINITY ? sigma * 2 : (low + high) / 2;
    }
  }
  sigma = std::max(sigma, 1e-3 * double(mean_distance));  // umap-learn's MIN_K_DIST_SCALE
  for (size_t j = 0; j < k; ++j) {
    const double gap = double(distance[j]) - rho;
    weight[j] = float(gap > 0 ? std::exp(-gap / sigma) : 1.0);
  }
}

// The fuzzy union A + A^T - A * A^T of the directed neighbour memberships, each undirected
// edge listed once per direction (both ends move).
std::vector<Edge> FuzzyGraph(const Neighbours& nn, size_t n) {
  const size_t k = nn.k;
  double mean = 0;
  for (float v : nn.distance) mean += v;
  mean /= double(nn.distance.size());
  std::vector<float> weight(n * k);
  for (size_t i = 0; i < n; ++i)
    MembershipsOfRow(&nn.distance[i * k], k, float(mean), &weight[i * k]);
  struct Directed {
    uint32_t low, high;
    float weight;
    bool forward;  // low -> high
  };
  std::vector<Directed> all;
  all.reserve(n * k);
  for (size_t i = 0; i < n; ++i) {
    for (size_t m = 0; m < k; ++m) {
      const uint32_t j = nn.index[i * k + m];
      if (j == i || (m > 0 && nn.index[i * k + m - 1] == j)) continue;  // repeated: counted once
      all.push_back({std::min(uint32_t(i), j), std::max(uint32_t(i), j), weight[i * k + m], i < j});
    }
  }
  std::sort(all.begin(), all.end(), [](const Directed& a, const Directed& b) {
    return a.low != b.low     ? a.low < b.low
           : a.high != b.high ? a.high < b.high
                              : a.forward < b.forward;
  });
  std::vector<Edge> edges;
  for (size_t at = 0; at < all.size();) {
    float forward = 0, backward = 0;
    size_t end = at;
    for (; end < all.size() && all[end].low == all[at].low && all[end].high == all[at].high; ++end)
      (all[end].forward ? forward : backward) = all[end].weight;
    const float w = forward + backward - forward * backward;
    edges.push_back({all[at].low, all[at].high, w});
    edges.push_back({all[at].high, all[at].low, w});
    at = end;
  }
  return edges;
}

}  // namespace

Result<std::vector<float>> UmapLayout(const float* x, size_t n, size_t d,
                                      const UmapOptions& options) {
  if (n < 3 || d == 0)
    return Status(ErrorCode::kInvalidArgument,
                  "a UMAP layout needs at least 3 points, got " + std::to_string(n));
  if (options.neighbours < 2 || options.neighbours > 200)
    return Status(ErrorCode::kInvalidArgument, "neighbours must be between 2 and 200");
  if (options.epochs != 0 && (options.epochs < 10 || options.epochs > 5000))
    return Status(ErrorCode::kInvalidArgument,
                  "epochs must be 0 (automatic) or between 10 and 5000");
  for (size_t i = 0; i < n * d; ++i) {
    if (!std::isfinite(x[i]))
      return Status(ErrorCode::kNotFinite, "point " + std::to_string(i / d) + " holds NaN or Inf");
  }
  const int epochs = options.epochs ? options.epochs : n <= kManyPoints ? 500 : 200;
  const size_t k =
      std::min(n - 1, options.neighbours - 1);  // the point itself is the first of umap-learn's
  // Wide rows are searched, and the start is found, in a random projection (neighbours.h).
  std::vector<float> projected;
  if (d > kProjectedDims) projected = RandomProjection(x, n, d, options.seed);
  std::vector<Edge> edges =
      FuzzyGraph(NearestNeighbours(x, n, d, k, projected.data(), options.seed), n);

  // Edges are sampled in proportion to their weight: the strongest every epoch. umap-learn drops
  // those too weak to be sampled once.
  float strongest = 0;
  for (const Edge& e : edges) strongest = std::max(strongest, e.weight);
  edges.erase(std::remove_if(edges.begin(), edges.end(),
                             [&](const Edge& e) { return e.weight < strongest / float(epochs); }),
              edges.end());
  const size_t m = edges.size();
  std::vector<float> every(m), next(m), every_negative(m), next_negative(m);
  for (size_t e = 0; e < m; ++e) {
    every[e] = next[e] = strongest / edges[e].weight;
    every_negative[e] = next_negative[e] = every[e] / kNegativeSamples;
  }

  // Start: the first two principal components (of the projection: much cheaper, as good a
  // start), each scaled to [0, 10].
  auto pca = projected.empty() ? PrincipalComponents2d(x, n, d)
                               : PrincipalComponents2d(projected.data(), n, kProjectedDims);
  if (!pca.ok()) return pca.status();
  std::vector<float> y(pca.value().coords);
  for (int axis = 0; axis < 2; ++axis) {
    float low = INFINITY, high = -INFINITY;
    for (size_t i = 0; i < n; ++i)
      low = std::min(low, y[2 * i + axis]), high = std::max(high, y[2 * i + axis]);
    const float scale = high > low ? 10 / (high - low) : 0;
    for (size_t i = 0; i < n; ++i) y[2 * i + axis] = (y[2 * i + axis] - low) * scale;
  }

  // Each sample's forces are computed from where its head is before the sample moves it — the
  // edge's attraction and its negative samples' repulsions side by side, four lanes at once —
  // and applied together (umap-learn applies them one after another; each waited on the last).
  FastRandom rng(options.seed ^ 0x5DEECE66Dull);
  float ox[4], oy[4], gx[4], gy[4];
  int32_t kind[4];
  uint32_t others[4];
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const float alpha = 1.0f - float(epoch) / float(epochs);
    for (size_t e = 0; e < m; ++e) {
      if (next[e] > float(epoch)) continue;
      const uint32_t head_row = edges[e].head;
      float* head = &y[2 * size_t(head_row)];
      float* tail = &y[2 * size_t(edges[e].tail)];
      const float hx = head[0], hy = head[1];
      next[e] += every[e];
      const int negatives = std::max(0, int((float(epoch) - next_negative[e]) / every_negative[e]));
      next_negative[e] += float(negatives) * every_negative[e];
      // Lane 0 of the first four: the attraction to the tail; then the negative samples.
      float rx = 0, ry = 0, ax = 0, ay = 0;
      for (int lane = -1; lane < negatives; lane += 4) {
        rng.Below4(uint32_t(n), others);
        for (int l = 0; l < 4; ++l) {
          const int sample = lane + l;
          if (sample < 0) {
            kind[l] = kAttract, ox[l] = tail[0], oy[l] = tail[1];
          } else {
            const uint32_t other = others[l];
            // Beyond this sample's negatives, or the head itself: no force.
            kind[l] = sample < negatives && other != head_row ? kRepel : kNoForce;
            ox[l] = y[2 * size_t(other)], oy[l] = y[2 * size_t(other) + 1];
          }
        }
        Forces4(hx, hy, ox, oy, kind, gx, gy);
        for (int l = 0; l < 4; ++l) rx += gx[l], ry += gy[l];
        if (lane < 0) ax = gx[0], ay = gy[0];
      }
      head[0] += rx * alpha, head[1] += ry * alpha;
      tail[0] -= ax * alpha, tail[1] -= ay * alpha;
    }
  }
  double cx = 0, cy = 0;
  for (size_t i = 0; i < n; ++i) cx += y[2 * i], cy += y[2 * i + 1];
  cx /= double(n), cy /= double(n);
  for (size_t i = 0; i < n; ++i) y[2 * i] -= float(cx), y[2 * i + 1] -= float(cy);
  return y;
}

}  // namespace clipscope
