#include "neighbours.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kmeans.h"
#include "random.h"
#include "simd.h"

namespace clipscope {
namespace {

using Candidate = std::pair<float, uint32_t>;  // (squared distance, row)

// Keeps the `capacity` smallest candidates pushed: a max-heap on distance, ties by row.
class Nearest {
 public:
  explicit Nearest(size_t capacity) : capacity_(capacity) { heap_.reserve(capacity); }
  void Push(float distance, uint32_t row) {
    const Candidate c{distance, row};
    if (heap_.size() < capacity_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end());
    } else if (c < heap_.front()) {
      std::pop_heap(heap_.begin(), heap_.end());
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end());
    }
  }
  std::vector<Candidate> Take() { return std::move(heap_); }

 private:
  size_t capacity_;
  std::vector<Candidate> heap_;
};

// Every row against every other, in blocks of rows that stay in cache.
std::vector<std::vector<Candidate>> Exhaustive(const float* x, size_t n, size_t d, size_t count) {
  constexpr size_t kBlock = 256;
  std::vector<Nearest> best(n, Nearest(count));
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t end = std::min(n, start + kBlock);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = start; j < end; ++j)
        if (j != i) best[i].Push(simd::SquaredDistance(x + i * d, x + j * d, d), uint32_t(j));
    }
  }
  std::vector<std::vector<Candidate>> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = best[i].Take();
  return out;
}

// Each list's rows against the members of the kProbedLists lists whose centroids are nearest
// its own: rows of one list share their candidates, so two rows meet two candidates per kernel
// call (Dot2x2; squared distances from |a|^2 + |b|^2 - 2 a.b), all of them in cache.
std::vector<std::vector<Candidate>> InvertedFile(const float* x, size_t n, size_t d, size_t count,
                                                 uint64_t seed) {
  const size_t lists = std::max<size_t>(kProbedLists, size_t(std::sqrt(double(n))));
  // Lists only need to group near rows: random starts and a few rounds do (k-means++ seeding
  // took longer than the search itself).
  KMeansOptions options;
  options.init = KMeansInit::kRandom;
  options.max_iter = 6;
  options.seed = seed;
  KMeansResult clustering = KMeans(x, n, d, lists, options).value();  // valid input: cannot fail
  std::vector<std::vector<uint32_t>> members(lists);
  for (size_t i = 0; i < n; ++i) members[size_t(clustering.labels[i])].push_back(uint32_t(i));
  const float* centroids = clustering.centroids.data();
  std::vector<float> norm(n);
  for (size_t i = 0; i < n; ++i) norm[i] = simd::Dot(x + i * d, x + i * d, d);
  std::vector<Nearest> best(n, Nearest(count));
  std::vector<Candidate> near(lists);
  std::vector<uint32_t> candidates;
  float dots[4];
  for (size_t list = 0; list < lists; ++list) {
    const std::vector<uint32_t>& rows = members[list];
    if (rows.empty()) continue;
    for (size_t c = 0; c < lists; ++c)
      near[c] = {simd::SquaredDistance(centroids + list * d, centroids + c * d, d), uint32_t(c)};
    std::partial_sort(near.begin(), near.begin() + long(kProbedLists), near.end());
    candidates.clear();
    for (size_t probe = 0; probe < kProbedLists; ++probe)
      for (uint32_t j : members[near[probe].second]) candidates.push_back(j);
    auto push = [&](uint32_t i, uint32_t j, float dot) {
      if (i != j) best[i].Push(std::max(0.0f, norm[i] + norm[j] - 2 * dot), j);
    };
    size_t r = 0;
    for (; r + 2 <= rows.size(); r += 2) {
      const uint32_t i0 = rows[r], i1 = rows[r + 1];
      size_t c = 0;
      for (; c + 2 <= candidates.size(); c += 2) {
        const uint32_t j0 = candidates[c], j1 = candidates[c + 1];
        simd::Dot2x2(x + size_t(i0) * d, x + size_t(i1) * d, x + size_t(j0) * d, x + size_t(j1) * d,
                     d, dots);
        push(i0, j0, dots[0]), push(i0, j1, dots[1]), push(i1, j0, dots[2]), push(i1, j1, dots[3]);
      }
      for (; c < candidates.size(); ++c) {
        const uint32_t j = candidates[c];
        push(i0, j, simd::Dot(x + size_t(i0) * d, x + size_t(j) * d, d));
        push(i1, j, simd::Dot(x + size_t(i1) * d, x + size_t(j) * d, d));
      }
    }
    for (; r < rows.size(); ++r)
      for (uint32_t j : candidates)
        push(rows[r], j, simd::Dot(x + size_t(rows[r]) * d, x + size_t(j) * d, d));
  }
  std::vector<std::vector<Candidate>> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = best[i].Take();
  return out;
}

}  // namespace

std::vector<float> RandomProjection(const float* x, size_t n, size_t d, uint64_t seed) {
  const size_t p = kProjectedDims;
  Random rng(seed ^ 0x7A3C5E1Dull);
  std::vector<float> directions(p * d);
  for (float& v : directions) {  // Box-Muller
    const double u1 = 1.0 - rng.Uniform(), u2 = rng.Uniform();
    v = float(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  std::vector<float> projected(n * p);
  for (size_t i = 0; i < n; ++i)
    for (size_t c = 0; c < p; ++c)
      projected[i * p + c] = simd::Dot(x + i * d, &directions[c * d], d);
  return projected;
}

Neighbours NearestNeighbours(const float* x, size_t n, size_t d, size_t k, const float* projected,
                             uint64_t seed) {
  const bool wide = d > kProjectedDims;
  const float* search = wide ? projected : x;
  const size_t search_d = wide ? kProjectedDims : d;
  // In the projected space 2k candidates, ranked below by their exact distances.
  const size_t candidates = search == x ? k : std::min(n - 1, 2 * k);
  std::vector<std::vector<Candidate>> lists =
      n <= kExhaustiveNeighbours ? Exhaustive(search, n, search_d, candidates)
                                 : InvertedFile(search, n, search_d, candidates, seed);
  Neighbours out;
  out.k = k;
  out.index.assign(n * k, 0);
  out.distance.assign(n * k, INFINITY);
  for (size_t i = 0; i < n; ++i) {
    std::vector<Candidate>& list = lists[i];
    if (search != x)
      for (auto& [distance, j] : list)
        distance = simd::SquaredDistance(x + i * d, x + size_t(j) * d, d);
    std::sort(list.begin(), list.end());
    // An inverted file can find fewer than k (tiny lists): the row's last neighbour repeats.
    for (size_t m = 0; m < k && !list.empty(); ++m) {
      const Candidate& c = list[std::min(m, list.size() - 1)];
      out.index[i * k + m] = c.second;
      out.distance[i * k + m] = std::sqrt(c.first);
    }
  }
  return out;
}

}  // namespace clipscope
