// The loaders from pieces (index_loaders.h) must agree with the whole-buffer ones: the same
// bytes cut into pieces (of a size taken from the input) load, or fail, the same way.
#pragma once

#include <algorithm>
#include <cstdlib>

#include "index_loaders.h"

template <typename Index>
void CheckPieceLoadingAgrees(const uint8_t* data, size_t size, clipscope::Result<Index>& whole) {
  if (size == 0) return;
  const size_t step = 1 + data[size / 2] % 61;
  typename Index::Loader loader;
  bool fed = true;
  for (size_t at = 0; at < size && fed; at += step)
    fed = loader.Feed(data + at, std::min(step, size - at)).ok();
  if (!fed) {
    if (whole.ok()) std::abort();
    return;
  }
  clipscope::Result<Index> pieces = loader.Finish();
  if (pieces.ok() != whole.ok()) std::abort();
  if (whole.ok() && pieces.value().Serialize() != whole.value().Serialize()) std::abort();
}
