// Feeds arbitrary bytes, whole and in pieces, to the approximate index loader. A loaded index must
// be usable: searchable, re-savable to the same bytes (but the checksum, which fuzz builds do not
// check; a version 1 file re-saves as version 2, which must load back to the same bytes), and
// able to take one more vector and lose one.
#include <cstdlib>
#include <cstring>

#include "ivf_index.h"
#include "piece_loading.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using clipscope::IvfIndex;
  clipscope::Result<IvfIndex> loaded = IvfIndex::Deserialize(data, size);
  CheckPieceLoadingAgrees(data, size, loaded);
  if (!loaded.ok()) return 0;
  IvfIndex& index = loaded.value();
  std::vector<uint8_t> again = index.Serialize();
  if (data[8] == 1) {  // version 1 (the loader checked the other three bytes)
    clipscope::Result<IvfIndex> reloaded = IvfIndex::Deserialize(again.data(), again.size());
    if (!reloaded.ok() || reloaded.value().Serialize() != again) std::abort();
  } else if (again.size() != size || std::memcmp(again.data(), data, size - 4) != 0) {
    std::abort();
  }
  std::vector<float> query(index.dim(), 1.0f);
  if (index.size() > 0 && !index.Search(query.data(), query.size(), 3).ok()) std::abort();
  const clipscope::ItemId fresh = std::string("fuzz-added");
  if (index.Contains(fresh)) return 0;
  if (!index.Add({fresh}, query.data(), query.size()).ok()) return 0;  // may retrain: fine
  if (!index.Remove({fresh}).ok()) std::abort();
  return 0;
}
