// Embind bindings of the CLIP tokenizer: strings in, token ids out as one Int32Array per batch.
#include <emscripten/bind.h>

#include "clip_tokenizer.h"
#include "guard.h"
#include "marshal.h"
#include "size_limits.h"

namespace clipscope::bindings {
namespace {

class TokenizerHandle {
 public:
  explicit TokenizerHandle(ClipTokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}

  // Token ids of one text, without start/end tokens or truncation.
  val Encode(const std::string& text) {
    return Guarded([&] {
      const std::vector<int32_t> ids = tokenizer_.Encode(text);
      return CopyOut(ids.data(), ids.size());
    });
  }

  // {ids, mask}: texts.length x context_length Int32Arrays, each row framed, truncated with
  // the end token kept, then padded with pad_id (mask 0).
  // Or an error value: context_length must be in 1..kMaxContextLength and pad_id in
  // 0..2^31-1, and the whole batch must fit in 2^28 ids.
  val EncodeBatch(const val& texts, double context_length_in, double pad_id_in) {
    return Guarded([&] {
      size_t context_length = 0, pad_id = 0;
      if (val e =
              ReadCount(context_length_in, "contextLength", 1, kMaxContextLength, &context_length);
          !e.isUndefined()) {
        return e;
      }
      if (val e = ReadCount(pad_id_in, "padId", 0, uint64_t(kMaxTokenId), &pad_id);
          !e.isUndefined())
        return e;
      const uint64_t n = uint64_t(texts["length"].as<double>());
      if (n * context_length > (uint64_t(1) << 28)) {
        return InvalidArgument(std::to_string(n) + " texts of " + std::to_string(context_length) +
                               " tokens are more than one batch can hold (2^28 ids)");
      }
      std::vector<int32_t> ids(size_t(n) * context_length), mask(size_t(n) * context_length);
      for (size_t i = 0; i < n; ++i) {
        tokenizer_.EncodePadded(texts[i].as<std::string>(), context_length, int32_t(pad_id),
                                ids.data() + i * context_length, mask.data() + i * context_length);
      }
      val out = val::object();
      out.set("ids", CopyOut(ids.data(), ids.size()));
      out.set("mask", CopyOut(mask.data(), mask.size()));
      return out;
    });
  }

  // The id, -1, or an error value.
  val TokenId(const std::string& token) const {
    return Guarded([&] { return val(tokenizer_.TokenId(token)); });
  }
  int32_t StartId() const { return tokenizer_.start_id(); }
  int32_t EndId() const { return tokenizer_.end_id(); }
  size_t VocabSize() const { return tokenizer_.vocab_size(); }

 private:
  ClipTokenizer tokenizer_;
};

// {tokenizer} or an error value. merges: the text of a merges file.
val CreateTokenizer(const std::string& merges, double merge_count_in) {
  return Guarded([&] {
    size_t merge_count = 0;
    if (val e = ReadCount(merge_count_in, "merge count", 0, kMaxMerges, &merge_count);
        !e.isUndefined()) {
      return e;
    }
    Result<ClipTokenizer> made = ClipTokenizer::FromMerges(merges, merge_count);
    if (!made.ok()) return ErrorValue(made.status());
    val out = val::object();
    out.set("tokenizer", val(TokenizerHandle(std::move(made.value()))));
    return out;
  });
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
