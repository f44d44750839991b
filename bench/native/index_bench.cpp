// Usage: clipscope_bench DATA.f32 QUERIES.f32 DIM K RUNS
// Reads n*dim and nq*dim raw float32 files and prints one JSON object: seconds of every run
// for each storage (single = one Search per query, batch = one SearchBatch), build seconds,
// the top-k ids of float32 single search, the read bandwidth of a plain loop over 512 MB and the
// core's multiply-add peak (compute_peak.h).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "compute_peak.h"
#include "embedding_index.h"

using namespace clipscope;
using Clock = std::chrono::steady_clock;

namespace {

std::vector<float> ReadFloats(const char* path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<float> out(size_t(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.data()), out.size() * sizeof(float));
  return out;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

void PrintList(const char* name, const std::vector<double>& values, bool last = false) {
  std::printf("\"%s\":[", name);
  for (size_t i = 0; i < values.size(); ++i) std::printf("%s%.6f", i ? "," : "", values[i]);
  std::printf("]%s", last ? "" : ",");
}

// Best GB/s of summing 512 MB of floats with several accumulators (so the loop is bound by
// memory, not by add latency).
double ReadBandwidth(int runs) {
  const size_t n = (512u << 20) / sizeof(float);
  std::vector<float> data(n, 1.0f);
  double best = 0;
  volatile float sink = 0;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    float acc[16] = {};
    for (size_t i = 0; i < n; i += 16) {
      for (int j = 0; j < 16; ++j) acc[j] += data[i + j];
    }
    double s = Seconds(start);
    float total = 0;
    for (float a : acc) total += a;
    sink = total;
    best = std::max(best, n * sizeof(float) / s / 1e9);
  }
  (void)sink;
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s DATA.f32 QUERIES.f32 DIM K RUNS\n", argv[0]);
    return 2;
  }
  const std::vector<float> data = ReadFloats(argv[1]), queries = ReadFloats(argv[2]);
  const size_t dim = std::stoul(argv[3]);
  const int k = std::stoi(argv[4]), runs = std::stoi(argv[5]);
  const size_t n = data.size() / dim, nq = queries.size() / dim;
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));

  std::printf("{");
  const char* names[] = {"float32", "int8", "int8-exact"};
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    std::vector<double> build, single, batch;
    EmbeddingIndex index = EmbeddingIndex::Create(dim, {storage, 0}).value();
    for (int r = 0; r < runs; ++r) {
      index.Clear();
      auto start = Clock::now();
      if (!index.Add(ids, data.data(), data.size()).ok()) return 1;
      build.push_back(Seconds(start));
    }
    std::vector<double> top_ids;
    for (int r = 0; r < runs; ++r) {
      auto start = Clock::now();
      for (size_t q = 0; q < nq; ++q) {
        Hits hits = index.Search(&queries[q * dim], dim, k).value();
        if (r == 0) {
          for (const ItemId& id : hits.ids) top_ids.push_back(std::get<double>(id));
        }
      }
      single.push_back(Seconds(start));
      start = Clock::now();
      if (!index.SearchBatch(queries.data(), queries.size(), k).ok()) return 1;
      batch.push_back(Seconds(start));
    }
    std::printf("\"%s\":{", names[int(storage)]);
    PrintList("build", build);
    PrintList("single", single);
    PrintList("batch", batch);
    PrintList("ids", top_ids, true);
    std::printf("},");
  }
  const ComputePeak peak = MeasureComputePeak(runs);
  std::printf("\"readBandwidthGBs\":%.3f,", ReadBandwidth(runs));
  std::printf("\"computePeakGMACs\":{\"mulAdd128\":%.2f,\"fma128\":%.2f,\"fma256\":%.2f}}\n",
              peak.mul_add_128, peak.fma_128, peak.fma_256);
  return 0;
}
