// openai/CLIP's byte-level BPE tokenizer: cleaned, lowercased text is split by CLIP's
// pre-tokenizer pattern, each piece's UTF-8 bytes are merged by rank, and the result is framed
// by the start and end tokens.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "status.h"

namespace clipscope {

class ClipTokenizer {
 public:
  // merges_text: one "left right" merge per line, optionally after a "#version" line (CLIP's
  // bpe_simple_vocab_16e6.txt, Hugging Face merges.txt). The first merge_count merges are used
  // (CLIP: 48894); ids follow CLIP's vocabulary layout: 256 byte tokens, their 256 "</w>"
  // forms, one token per merge, then <|startoftext|> and <|endoftext|>.
  static Result<ClipTokenizer> FromMerges(std::string_view merges_text, size_t merge_count);

  // Token ids of text (UTF-8) without start/end tokens; stops once it has max_tokens or
  // more (the last piece is encoded whole). Time is O(L log L) in the text's length L.
  std::vector<int32_t> Encode(std::string_view text,
                              size_t max_tokens = std::numeric_limits<size_t>::max());

  // [start] + Encode(text) + [end], cut to context_length with the end token kept last;
  // positions past the text are pad_id. Writes context_length ids to ids, and 1/0 per position
  // to mask (may be null). Returns the number of real tokens.
  size_t EncodePadded(std::string_view text, size_t context_length, int32_t pad_id, int32_t* ids,
                      int32_t* mask);

  // The id of a vocabulary entry in CLIP's byte-unicode spelling ("cat</w>"), or -1.
  int32_t TokenId(std::string_view token) const;

  int32_t start_id() const { return start_id_; }
  int32_t end_id() const { return end_id_; }
  size_t vocab_size() const { return static_cast<size_t>(end_id_) + 1; }

 private:
  ClipTokenizer() = default;
  void AppendBpe(const std::string& piece, std::vector<int32_t>* ids);

  std::unordered_map<std::string, int32_t> token_ids_;
  std::unordered_map<uint64_t, int32_t> merge_ranks_;  // (left id << 32 | right id) -> rank
  std::vector<int32_t> merge_results_;                 // rank -> merged token id
  int32_t byte_ids_[256] = {};
  int32_t byte_end_ids_[256] = {};  // the "</w>" form of each byte
  int32_t start_id_ = 0, end_id_ = 0;
  // Pieces repeat (words, punctuation): their ids are cached, the cache cleared when it grows
  // past a bound so memory stays flat over long runs.
  std::unordered_map<std::string, std::vector<int32_t>> cache_;
};

}  // namespace clipscope
