// Usage: clipscope_kmeans_bench DATA.f32 DIM K MAX_ITER RUNS [MINI_BATCH]
// Prints JSON: seconds of every run (seed 0 each time), and the labels, iterations and
// inertia of the last run.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "kmeans.h"

using namespace clipscope;

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s DATA.f32 DIM K MAX_ITER RUNS [MINI_BATCH]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary | std::ios::ate);
  std::vector<float> data(size_t(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(data.data()), data.size() * sizeof(float));
  const size_t dim = std::stoul(argv[2]), k = std::stoul(argv[3]);
  KMeansOptions options;
  options.max_iter = std::stoi(argv[4]);
  options.mini_batch = argc > 6 ? std::stoul(argv[6]) : 0;
  const int runs = std::stoi(argv[5]);
  std::vector<double> seconds;
  KMeansResult last;
  for (int r = 0; r < runs; ++r) {
    options.seed = 0;  // the same work every run, and the same as the WASM run
    auto start = std::chrono::steady_clock::now();
    last = KMeans(data.data(), data.size() / dim, dim, k, options).value();
    seconds.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::printf("{\"seconds\":[");
  for (size_t i = 0; i < seconds.size(); ++i) std::printf("%s%.6f", i ? "," : "", seconds[i]);
  std::printf("],\"iterations\":%d,\"inertia\":%.6f,\"labels\":[", last.iterations, last.inertia);
  for (size_t i = 0; i < last.labels.size(); ++i) std::printf("%s%d", i ? "," : "", last.labels[i]);
  std::printf("]}\n");
  return 0;
}
