// Feeds arbitrary bytes, whole and in pieces, to the index loader. A loaded index must be usable:
// searchable and re-savable to the same bytes (but the checksum, which fuzz builds do not check).
#include <cstdlib>
#include <cstring>

#include "embedding_index.h"
#include "piece_loading.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clipscope::EmbeddingIndex;
  clipscope::Result<EmbeddingIndex> loaded = EmbeddingIndex::Deserialize(data, size);
  CheckPieceLoadingAgrees(data, size, loaded);
  if (!loaded.ok()) return 0;
  EmbeddingIndex& index = loaded.value();
  std::vector<uint8_t> again = index.Serialize();
  if (again.size() != size || std::memcmp(again.data(), data, size - 4) != 0) std::abort();
  if (index.size() > 0) {
    std::vector<float> query(index.dim(), 1.0f);
    if (!index.Search(query.data(), query.size(), 3).ok()) std::abort();
  }
  return 0;
}
