// Usage: clipscope_preprocess_bench WIDTH HEIGHT RUNS [RGB_FILE]
// Times the CLIP preprocessing (resize, crop, normalise) of one RGB image natively and prints
// JSON: seconds of every run. The image is RGB_FILE (raw bytes) or generated.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "image_preprocess.h"

using namespace clipscope;

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s WIDTH HEIGHT RUNS [RGB_FILE]\n", argv[0]);
    return 2;
  }
  const int width = std::stoi(argv[1]), height = std::stoi(argv[2]), runs = std::stoi(argv[3]);
  std::vector<uint8_t> rgb(size_t(width) * height * 3);
  if (argc > 4) {
    std::ifstream(argv[4], std::ios::binary).read(reinterpret_cast<char*>(rgb.data()), rgb.size());
  } else {
    for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = uint8_t((i * 2654435761u) >> 24);
  }
  ImagePreprocessor preprocessor{PreprocessConfig()};
  std::vector<float> out(3 * 224 * 224);
  std::printf("{\"seconds\":[");
  for (int r = 0; r < runs; ++r) {
    auto start = std::chrono::steady_clock::now();
    if (!preprocessor.Run({rgb.data(), width, height, 3, size_t(width) * 3}, out.data()).ok())
      return 1;
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s%.6f", r ? "," : "", s);
  }
  std::printf("]}\n");
  return 0;
}
