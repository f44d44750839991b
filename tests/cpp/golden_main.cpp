// Writes the native build's view of fixed datasets for the WASM parity test: the data, the
// queries, the search results and the saved bytes. Usage: clipscope_golden OUT_DIR
#include <cstdio>
#include <fstream>
#include <string>

#include "cluster_analysis.h"
#include "embedding_index.h"
#include "kmeans.h"
#include "pca.h"
#include "test_data.h"

using namespace clipscope;

namespace {

void WriteFloats(std::ofstream& out, const char* name, const std::vector<float>& values) {
  out << "\"" << name << "\":[";
  char text[32];
  for (size_t i = 0; i < values.size(); ++i) {
    std::snprintf(text, sizeof text, "%.9g", values[i]);  // 9 digits round-trip a float32
    out << (i ? "," : "") << text;
  }
  out << "]";
}

bool WriteCase(const std::string& dir, const std::string& name, size_t n, size_t d, Storage storage,
               uint64_t seed) {
  std::vector<float> data = testing::ClusteredVectors(n, d, 8, 0.5, seed);
  std::vector<float> queries = testing::RandomVectors(5, d, seed + 1);
  EmbeddingIndex index = EmbeddingIndex::Create(d, {storage, 0}).value();
  std::vector<ItemId> ids;
  for (size_t i = 0; i < n; ++i) ids.emplace_back(double(i));
  if (!index.Add(ids, data.data(), data.size()).ok()) return false;
  const int k = 10;
  std::vector<Hits> hits = index.SearchBatch(queries.data(), queries.size(), k).value();
  std::vector<ItemId> filter;
  for (size_t i = 0; i < n; i += 3) filter.emplace_back(double(i));
  Hits filtered = index.Search(queries.data(), d, k, &filter).value();

  std::ofstream json(dir + "/" + name + ".json");
  const char* storage_names[] = {"float32", "int8", "int8-exact"};
  json << "{\"dim\":" << d << ",\"storage\":\"" << storage_names[int(storage)] << "\",\"k\":" << k
       << ",";
  WriteFloats(json, "data", data);
  json << ",";
  WriteFloats(json, "queries", queries);
  json << ",\"results\":[";
  for (size_t q = 0; q <= hits.size(); ++q) {
    const Hits& h = q < hits.size() ? hits[q] : filtered;
    json << (q ? "," : "") << "{\"ids\":[";
    for (size_t r = 0; r < h.ids.size(); ++r) json << (r ? "," : "") << std::get<double>(h.ids[r]);
    json << "],";
    WriteFloats(json, "scores", h.scores);
    json << "}";
  }
  json << "]}";
  std::vector<uint8_t> bytes = index.Serialize();
  std::ofstream(dir + "/" + name + ".bin", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return bool(json);
}

void WriteDoubles(std::ofstream& out, const char* name, const double* values, size_t n) {
  out << "\"" << name << "\":[";
  char text[40];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(text, sizeof text, "%.17g", values[i]);  // 17 digits round-trip a double
    out << (i ? "," : "") << text;
  }
  out << "]";
}

void WriteKMeans(std::ofstream& out, const char* name, const KMeansResult& r) {
  out << "\"" << name << "\":{\"labels\":[";
  for (size_t i = 0; i < r.labels.size(); ++i) out << (i ? "," : "") << r.labels[i];
  out << "],";
  WriteFloats(out, "centroids", r.centroids);
  out << ",";
  WriteDoubles(out, "inertia", &r.inertia, 1);
  out << ",\"iterations\":" << r.iterations << "}";
}

// Clustering of one dataset with fixed seeds: WASM must give the same bits.
bool WriteClustering(const std::string& dir) {
  const size_t n = 2000, d = 48;
  std::vector<float> data = testing::ClusteredVectors(n, d, 8, 0.7, 21);
  KMeansOptions plus;
  plus.seed = 5, plus.n_init = 2;
  KMeansOptions cosine;
  cosine.seed = 3, cosine.metric = Metric::kCosine;
  KMeansOptions mini;
  mini.seed = 1, mini.mini_batch = 256;
  KMeansOptions random;
  random.seed = 8, random.init = KMeansInit::kRandom;
  KMeansResult a = KMeans(data.data(), n, d, 8, plus).value();
  Pca2d pca = PrincipalComponents2d(data.data(), n, d).value();
  double score =
      Silhouette(data.data(), n, d, a.labels.data(), {Metric::kEuclidean, 500, 2}).value();

  std::ofstream json(dir + "/clustering.json");
  json << "{\"dim\":" << d << ",";
  WriteFloats(json, "data", data);
  json << ",";
  WriteKMeans(json, "plusplus", a);
  json << ",";
  WriteKMeans(json, "cosine", KMeans(data.data(), n, d, 6, cosine).value());
  json << ",";
  WriteKMeans(json, "minibatch", KMeans(data.data(), n, d, 8, mini).value());
  json << ",";
  WriteKMeans(json, "random", KMeans(data.data(), n, d, 8, random).value());
  json << ",";
  WriteFloats(json, "pcaCoords", pca.coords);
  json << ",";
  WriteDoubles(json, "pcaVariance", pca.explained_variance, 2);
  json << ",";
  WriteDoubles(json, "silhouette", &score, 1);
  json << "}";
  return bool(json);
}

// Small saved indexes of every storage: seeds for the loader fuzzer.
bool WriteSeeds(const std::string& dir) {
  const std::vector<float> data = testing::RandomVectors(3, 4, 7);
  const std::vector<ItemId> ids = {ItemId(1.0), ItemId(std::string("a")), ItemId(-2.5)};
  for (Storage storage : {Storage::kFloat32, Storage::kInt8, Storage::kInt8Exact}) {
    EmbeddingIndex index = EmbeddingIndex::Create(4, {storage, 0}).value();
    if (!index.Add(ids, data.data(), data.size()).ok()) return false;
    std::vector<uint8_t> bytes = index.Serialize();
    std::ofstream(dir + "/seed-" + std::to_string(int(storage)) + ".bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = WriteCase(dir, "float32-d37", 1001, 37, Storage::kFloat32, 1) &&
            WriteCase(dir, "float32-d512", 600, 512, Storage::kFloat32, 2) &&
            WriteCase(dir, "int8-d512", 600, 512, Storage::kInt8, 3) &&
            WriteCase(dir, "int8-d19", 500, 19, Storage::kInt8, 4) &&
            WriteCase(dir, "int8-exact-d64", 700, 64, Storage::kInt8Exact, 5) && WriteSeeds(dir) &&
            WriteClustering(dir);
  return ok ? 0 : 1;
}
