// Embind bindings of the CLIP tokenizer: strings in, token ids out as one Int32Array per batch.
#include <emscripten/bind.h>

#include "clip_tokenizer.h"
#include "marshal.h"

namespace clipscope::bindings {
namespace {

class TokenizerHandle {
 public:
  explicit TokenizerHandle(ClipTokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}

  // Token ids of one text, without start/end tokens or truncation.
  val Encode(const std::string& text) {
    const std::vector<int32_t> ids = tokenizer_.Encode(text);
    return CopyOut(ids.data(), ids.size());
  }

  // {ids, mask}: texts.length x context_length Int32Arrays, each row framed, truncated with
  // the end token kept, then padded with pad_id (mask 0).
  val EncodeBatch(const val& texts, size_t context_length, int32_t pad_id) {
    const size_t n = texts["length"].as<size_t>();
    std::vector<int32_t> ids(n * context_length), mask(n * context_length);
    for (size_t i = 0; i < n; ++i) {
      tokenizer_.EncodePadded(texts[i].as<std::string>(), context_length, pad_id, ids.data() + i * context_length,
                              mask.data() + i * context_length);
    }
    val out = val::object();
    out.set("ids", CopyOut(ids.data(), ids.size()));
    out.set("mask", CopyOut(mask.data(), mask.size()));
    return out;
  }

  int32_t TokenId(const std::string& token) const { return tokenizer_.TokenId(token); }
  int32_t StartId() const { return tokenizer_.start_id(); }
  int32_t EndId() const { return tokenizer_.end_id(); }
  size_t VocabSize() const { return tokenizer_.vocab_size(); }

 private:
  ClipTokenizer tokenizer_;
};

// {tokenizer} or an error value. merges: the text of a merges file.
val CreateTokenizer(const std::string& merges, size_t merge_count) {
  Result<ClipTokenizer> made = ClipTokenizer::FromMerges(merges, merge_count);
  if (!made.ok()) return ErrorValue(made.status());
  val out = val::object();
  out.set("tokenizer", val(TokenizerHandle(std::move(made.value()))));
  return out;
}

}  // namespace
}  // namespace clipscope::bindings

EMSCRIPTEN_BINDINGS(clipscope_text) {
  using namespace clipscope::bindings;
  emscripten::class_<TokenizerHandle>("ClipTokenizer")
      .function("encode", &TokenizerHandle::Encode)
      .function("encodeBatch", &TokenizerHandle::EncodeBatch)
      .function("tokenId", &TokenizerHandle::TokenId)
      .function("startId", &TokenizerHandle::StartId)
      .function("endId", &TokenizerHandle::EndId)
      .function("vocabSize", &TokenizerHandle::VocabSize);
  emscripten::function("createTokenizer", &CreateTokenizer);
}
