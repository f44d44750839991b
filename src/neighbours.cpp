#include "neighbours.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "kmeans.h"
#include "parallel.h"
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

void ExhaustiveRows(const float* x, size_t n, size_t d, size_t begin, size_t end, Nearest* best) {
  constexpr size_t kBlock = 256;
  for (size_t start = 0; start < n; start += kBlock) {
    const size_t stop = std::min(n, start + kBlock);
    for (size_t i = begin; i < end; ++i) {
      for (size_t j = start; j < stop; ++j)
        if (j != i) best[i].Push(simd::SquaredDistance(x + i * d, x + j * d, d), uint32_t(j));
    }
  }
}

// n heaps, each with room for `capacity` (copies of one would not keep its reserved room, and
// the shares that fill them must not allocate).
std::vector<Nearest> Heaps(size_t n, size_t capacity) {
  std::vector<Nearest> heaps;
  heaps.reserve(n);
  for (size_t i = 0; i < n; ++i) heaps.emplace_back(capacity);
  return heaps;
}

// Every row against every other, in blocks of rows that stay in cache; ranges of rows on the
// core's threads (each row meets the others in the same order).
std::vector<std::vector<Candidate>> Exhaustive(const float* x, size_t n, size_t d, size_t count) {
  std::vector<Nearest> best = Heaps(n, count);
  Nearest* heaps = best.data();
  ForRanges(n, 16, [x, n, d, heaps](size_t begin, size_t end) {
    ExhaustiveRows(x, n, d, begin, end, heaps);
  });
  std::vector<std::vector<Candidate>> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = best[i].Take();
  return out;
}

// The kProbedLists lists whose centroids are nearest each list's own, nearest first.
std::vector<uint32_t> ProbedLists(const float* centroids, size_t lists, size_t d) {
  std::vector<uint32_t> probes(lists * kProbedLists);
  std::vector<std::vector<Candidate>> near(RangesFor(lists, 8), std::vector<Candidate>(lists));
  uint32_t* out = probes.data();
  std::vector<Candidate>* scratch = near.data();
  ForEachRange(
      lists, 8, [centroids, lists, d, out, scratch](size_t range, size_t begin, size_t end) {
        Candidate* by_distance = scratch[range].data();
        for (size_t list = begin; list < end; ++list) {
          for (size_t c = 0; c < lists; ++c)
            by_distance[c] = {simd::SquaredDistance(centroids + list * d, centroids + c * d, d),
                              uint32_t(c)};
          std::partial_sort(by_distance, by_distance + kProbedLists, by_distance + lists);
          for (size_t p = 0; p < kProbedLists; ++p)
            out[list * kProbedLists + p] = by_distance[p].second;
        }
      });
  return probes;
}

// What the lists' searches read and write; passed by value to each share (parallel.h).
struct ListSearch {
  const float* x;
  size_t d;
  const float* norm;
  const std::vector<uint32_t>* members;
  const uint32_t* probes;
  const size_t* candidate_start;  // list l's candidates at [start[l], start[l + 1])
  uint32_t* candidates;
  const size_t* list_starts;  // share s searches lists [list_starts[s], list_starts[s + 1])
  Nearest* best;
};

// One list's rows against its candidates, two rows and two candidates per kernel call.
void SearchList(const ListSearch& job, size_t list) {
  const std::vector<uint32_t>& rows = job.members[list];
  uint32_t* const first = job.candidates + job.candidate_start[list];
  uint32_t* at = first;
  for (size_t probe = 0; probe < kProbedLists; ++probe)
    for (uint32_t j : job.members[job.probes[list * kProbedLists + probe]]) *at++ = j;
  const size_t count = size_t(at - first);
  const float* x = job.x;
  const size_t d = job.d;
  auto push = [&job](uint32_t i, uint32_t j, float dot) {
    if (i != j) job.best[i].Push(std::max(0.0f, job.norm[i] + job.norm[j] - 2 * dot), j);
  };
  float dots[4];
  size_t r = 0;
  for (; r + 2 <= rows.size(); r += 2) {
    const uint32_t i0 = rows[r], i1 = rows[r + 1];
    size_t c = 0;
    for (; c + 2 <= count; c += 2) {
      const uint32_t j0 = first[c], j1 = first[c + 1];
      simd::Dot2x2(x + size_t(i0) * d, x + size_t(i1) * d, x + size_t(j0) * d, x + size_t(j1) * d,
                   d, dots);
      push(i0, j0, dots[0]), push(i0, j1, dots[1]), push(i1, j0, dots[2]), push(i1, j1, dots[3]);
    }
    for (; c < count; ++c) {
      const uint32_t j = first[c];
      push(i0, j, simd::Dot(x + size_t(i0) * d, x + size_t(j) * d, d));
      push(i1, j, simd::Dot(x + size_t(i1) * d, x + size_t(j) * d, d));
    }
  }
  for (; r < rows.size(); ++r)
    for (size_t c = 0; c < count; ++c)
      push(rows[r], first[c], simd::Dot(x + size_t(rows[r]) * d, x + size_t(first[c]) * d, d));
}

// Each list's rows against the members of the kProbedLists lists whose centroids are nearest
// its own: rows of one list share their candidates, so two rows meet two candidates per kernel
// call (Dot2x2; squared distances from |a|^2 + |b|^2 - 2 a.b), all of them in cache. A row's
// candidates are all met in its own list's search, so lists go to the core's threads (in
// ranges of about equal work) with the same result.
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
  const std::vector<uint32_t> probes = ProbedLists(clustering.centroids.data(), lists, d);
  std::vector<size_t> candidate_start(lists + 1, 0);
  std::vector<uint64_t> cost(lists);
  for (size_t list = 0; list < lists; ++list) {
    size_t candidates = 0;
    for (size_t p = 0; p < kProbedLists; ++p)
      candidates += members[probes[list * kProbedLists + p]].size();
    candidate_start[list + 1] = candidate_start[list] + candidates;
    cost[list] = uint64_t(members[list].size()) * candidates + 1;
  }
  std::vector<uint32_t> candidates(candidate_start[lists]);
  std::vector<float> norm(n);
  float* norms = norm.data();
  ForRanges(n, 256, [x, d, norms](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) norms[i] = simd::Dot(x + i * d, x + i * d, d);
  });
  std::vector<Nearest> best = Heaps(n, count);
  const size_t shares = UnevenShares(lists);
  const std::vector<size_t> list_starts = CutByCost(cost, shares);
  const ListSearch job{x,
                       d,
                       norm.data(),
                       members.data(),
                       probes.data(),
                       candidate_start.data(),
                       candidates.data(),
                       list_starts.data(),
                       best.data()};
  ForEachShare(shares, [job](size_t share) {
    const ListSearch own = job;
    for (size_t list = own.list_starts[share]; list < own.list_starts[share + 1]; ++list)
      SearchList(own, list);
  });
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
  float* out = projected.data();
  const float* along = directions.data();
  ForRanges(n, 64, [x, d, p, out, along](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      for (size_t c = 0; c < p; ++c) out[i * p + c] = simd::Dot(x + i * d, along + c * d, d);
  });
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
  std::vector<Candidate>* found = lists.data();
  uint32_t* index = out.index.data();
  float* distance = out.distance.data();
  const bool rerank = search != x;
  ForRanges(n, 64, [x, d, k, rerank, found, index, distance](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      std::vector<Candidate>& list = found[i];
      if (rerank)
        for (auto& [squared, j] : list)
          squared = simd::SquaredDistance(x + i * d, x + size_t(j) * d, d);
      std::sort(list.begin(), list.end());
      // An inverted file can find fewer than k (tiny lists): the row's last neighbour repeats.
      for (size_t m = 0; m < k && !list.empty(); ++m) {
        const Candidate& c = list[std::min(m, list.size() - 1)];
        index[i * k + m] = c.second;
        distance[i * k + m] = std::sqrt(c.first);
      }
    }
  });
  return out;
}

}  // namespace clipscope
