// Reads the named-array files written by tests/reference/named_arrays.py.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace clipscope::testing {

struct NamedArray {
  std::vector<uint64_t> shape;
  std::vector<double> values;  // every dtype widened to double

  std::vector<float> Floats() const { return std::vector<float>(values.begin(), values.end()); }
  std::vector<int32_t> Ints() const { return std::vector<int32_t>(values.begin(), values.end()); }
  std::vector<uint8_t> Bytes() const { return std::vector<uint8_t>(values.begin(), values.end()); }
};

// Where `npm test` writes the reference files (tests/reference/make_clustering_refs.py).
inline std::string ReferencePath(const std::string& name) {
  return std::string(CLIPSCOPE_REFERENCE_DIR) + "/" + name;
}

inline std::map<std::string, NamedArray> ReadNamedArrays(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(path +
                             " is missing: `npm test` writes it with tests/reference/"
                             "make_clustering_refs.py (needs python3-sklearn)");
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.compare(0, 8, "CSARRAYS") != 0)
    throw std::runtime_error(path + ": not a named-array file");
  size_t at = 8;
  auto take = [&](void* dst, size_t n) {
    if (at + n > bytes.size()) throw std::runtime_error(path + ": truncated");
    std::memcpy(dst, bytes.data() + at, n);
    at += n;
  };
  std::map<std::string, NamedArray> out;
  while (at < bytes.size()) {
    uint32_t name_length, ndim;
    uint8_t dtype;
    take(&name_length, 4);
    std::string name(name_length, '\0');
    take(name.data(), name_length);
    take(&dtype, 1), take(&ndim, 4);
    NamedArray array;
    array.shape.resize(ndim);
    uint64_t count = 1;
    for (uint64_t& dim : array.shape) take(&dim, 8), count *= dim;
    array.values.resize(count);
    for (double& v : array.values) {
      if (dtype == 0) {
        float f;
        take(&f, 4), v = f;
      } else if (dtype == 1) {
        take(&v, 8);
      } else if (dtype == 3) {
        uint8_t b;
        take(&b, 1), v = b;
      } else {
        int32_t i;
        take(&i, 4), v = i;
      }
    }
    out[name] = std::move(array);
  }
  return out;
}

}  // namespace clipscope::testing
