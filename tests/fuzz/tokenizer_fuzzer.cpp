// The tokenizer on arbitrary text and arbitrary merges files. The first byte picks the part:
// even, the rest is text for a tokenizer built from a small fixed vocabulary (cleaning, HTML
// entities, the pre-tokenizer and BPE, framed rows of several lengths); odd, the rest is a merges
// file (with a merge count from the next bytes) that must load or fail with a Status.
#include <cstdint>
#include <string>
#include <vector>

#include "clip_tokenizer.h"
#include "fuzz_input.h"

namespace {

// Enough merges for BPE to run several rounds on ASCII words (the ranks matter, the words not).
constexpr char kMerges[] =
    "#version: 0.2\nt h\nth e</w>\na n\ni n\no n</w>\ne r\nan d</w>\nin g</w>\na m\nam p\n"
    "amp ;</w>\n& amp;</w>\nr e\ns t\no u\nt o</w>\ne n\na t</w>\no r</w>\na a\naa aa\n";

clipscope::ClipTokenizer& SmallTokenizer() {
  static clipscope::ClipTokenizer tokenizer =
      clipscope::ClipTokenizer::FromMerges(kMerges, 21).value();
  return tokenizer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const uint8_t mode = in.Take<uint8_t>();
  if (mode % 2 == 0) {
    const std::string_view text = in.Rest();
    clipscope::ClipTokenizer& tokenizer = SmallTokenizer();
    const std::vector<int32_t> all = tokenizer.Encode(text);
    for (size_t context : {size_t(1), size_t(2), size_t(7), size_t(77)}) {
      std::vector<int32_t> ids(context), mask(context);
      const size_t real = tokenizer.EncodePadded(text, context, 0, ids.data(), mask.data());
      // A row holds the start token, the text's first ids and the end token, cut to fit.
      if (real > context || ids[0] != (context == 1 ? tokenizer.end_id() : tokenizer.start_id()))
        abort();
      for (size_t k = 1; k + 1 < real; ++k) {
        if (ids[k] != all[k - 1]) abort();
      }
    }
    return 0;
  }
  const size_t merge_count = in.Take<uint16_t>();
  auto made = clipscope::ClipTokenizer::FromMerges(in.Rest(), merge_count);
  if (made.ok()) (void)made.value().Encode("the quick brown fox &amp; friends");
  return 0;
}
