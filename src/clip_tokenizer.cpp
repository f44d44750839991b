#include "clip_tokenizer.h"

#include <functional>
#include <limits>
#include <queue>

#include "clip_text_clean.h"
#include "size_limits.h"
#include "unicode_data.h"
#include "utf8.h"

namespace clipscope {
namespace {

constexpr size_t kCacheLimit = 50'000;
// Longer pieces are not cached: the cache's memory stays bounded by kCacheLimit short entries.
constexpr size_t kCachedPieceBytes = 64;

bool IsPrintableByte(int b) {
  return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

// CLIP's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others are moved
// to U+0100 onwards, in byte order. Returns the code point of each byte.
void ByteCodePoints(char32_t out[256]) {
  int next = 0;
  for (int b = 0; b < 256; ++b) {
    out[b] = IsPrintableByte(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + next++);
  }
}

// The byte order of CLIP's vocabulary: printable bytes first, then the moved ones.
std::vector<int> VocabularyByteOrder() {
  std::vector<int> order;
  for (int b = 0; b < 256; ++b) {
    if (IsPrintableByte(b)) order.push_back(b);
  }
  for (int b = 0; b < 256; ++b) {
    if (!IsPrintableByte(b)) order.push_back(b);
  }
  return order;
}

uint64_t PairKey(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

bool StartsWithAt(std::u32string_view text, size_t i, std::u32string_view literal) {
  if (i + literal.size() > text.size()) return false;
  for (size_t k = 0; k < literal.size(); ++k) {
    char32_t c = text[i + k];
    // The pattern is case-insensitive: U+017F LONG S folds to 's' (no other letter of these
    // literals has a non-ASCII fold left after lowercasing).
    if (c == 0x17F) c = 's';
    if (c != literal[k]) return false;
  }
  return true;
}

// Length of the piece CLIP's pattern matches at text[i], or 0 at whitespace:
// <|startoftext|> | <|endoftext|> | 's|'t|'re|'ve|'m|'ll|'d | \p{L}+ | \p{N} | [^\s\p{L}\p{N}]+
size_t PieceLength(std::u32string_view text, size_t i) {
  using unicode::CharClass;
  for (std::u32string_view literal :
       {std::u32string_view(U"<|startoftext|>"), std::u32string_view(U"<|endoftext|>"),
        std::u32string_view(U"'s"), std::u32string_view(U"'t"), std::u32string_view(U"'re"),
        std::u32string_view(U"'ve"), std::u32string_view(U"'m"), std::u32string_view(U"'ll"),
        std::u32string_view(U"'d")}) {
    if (StartsWithAt(text, i, literal)) return literal.size();
  }
  const CharClass first = unicode::Classify(text[i]);
  if (first == CharClass::kSpace) return 0;
  if (first == CharClass::kNumber) return 1;
  size_t end = i + 1;
  while (end < text.size() && unicode::Classify(text[end]) == first) ++end;
  return end - i;
}

}  // namespace

Result<ClipTokenizer> ClipTokenizer::FromMerges(std::string_view merges_text, size_t merge_count) {
  Status bounded = CheckAtMost("merge count", merge_count, kMaxMerges);
  if (!bounded.ok()) return bounded;
  ClipTokenizer tokenizer;
  char32_t byte_cp[256];
  ByteCodePoints(byte_cp);
  std::vector<std::string> vocabulary;
  vocabulary.reserve(512 + merge_count + 2);
  for (int b : VocabularyByteOrder()) {
    std::string token;
    AppendUtf8(byte_cp[b], &token);
    vocabulary.push_back(token);
  }
  for (size_t k = 0; k < 256; ++k) vocabulary.push_back(vocabulary[k] + "</w>");

  std::vector<std::pair<std::string, std::string>> merges;
  merges.reserve(merge_count);
  size_t pos = 0, line_number = 0;
  while (pos < merges_text.size() && merges.size() < merge_count) {
    size_t end = merges_text.find('\n', pos);
    if (end == std::string_view::npos) end = merges_text.size();
    std::string_view line = merges_text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // A header line names the format ("#version: 0.2"; CLIP's file prefixes it with its name).
    if (line_number == 1 && line.find("#version") != std::string_view::npos) continue;
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0 || space + 1 == line.size() ||
        line.find(' ', space + 1) != std::string_view::npos) {
      return Status(ErrorCode::kCorruptData, "merges line " + std::to_string(line_number) +
                                                 " is not two tokens separated by one space");
    }
    merges.emplace_back(std::string(line.substr(0, space)), std::string(line.substr(space + 1)));
    vocabulary.push_back(merges.back().first + merges.back().second);
  }
  if (merges.size() < merge_count) {
    return Status(ErrorCode::kCorruptData, "merges file has " + std::to_string(merges.size()) +
                                               " merges, the vocabulary needs " +
                                               std::to_string(merge_count));
  }
  vocabulary.push_back("<|startoftext|>");
  vocabulary.push_back("<|endoftext|>");
  // As in CLIP's dict(zip(vocab, range(...))): a repeated spelling keeps its last id.
  for (size_t id = 0; id < vocabulary.size(); ++id)
    tokenizer.token_ids_[vocabulary[id]] = static_cast<int32_t>(id);
  tokenizer.start_id_ = static_cast<int32_t>(vocabulary.size() - 2);
  tokenizer.end_id_ = static_cast<int32_t>(vocabulary.size() - 1);

  tokenizer.merge_results_.reserve(merges.size());
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto left = tokenizer.token_ids_.find(merges[rank].first);
    const auto right = tokenizer.token_ids_.find(merges[rank].second);
    if (left == tokenizer.token_ids_.end() || right == tokenizer.token_ids_.end()) {
      return Status(ErrorCode::kCorruptData, "merge " + std::to_string(rank + 1) + " (\"" +
                                                 merges[rank].first + " " + merges[rank].second +
                                                 "\") uses a token no earlier merge made");
    }
    // A repeated merge keeps its last rank, as CLIP's dict(zip(merges, range(...))) does.
    tokenizer.merge_ranks_[PairKey(left->second, right->second)] = static_cast<int32_t>(rank);
    tokenizer.merge_results_.push_back(
        tokenizer.token_ids_.at(merges[rank].first + merges[rank].second));
  }
  for (int b = 0; b < 256; ++b) {
    std::string token;
    AppendUtf8(byte_cp[b], &token);
    tokenizer.byte_ids_[b] = tokenizer.token_ids_.at(token);
    tokenizer.byte_end_ids_[b] = tokenizer.token_ids_.at(token + "</w>");
  }
  return tokenizer;
}

int32_t ClipTokenizer::TokenId(std::string_view token) const {
  const auto it = token_ids_.find(std::string(token));
  return it == token_ids_.end() ? -1 : it->second;
}

// 1. Start from the piece's bytes, the last one in its "</w>" form.
// 2. Rounds, as CLIP's loop: take the lowest merge rank among adjacent pairs and merge every
//    occurrence of that pair, left to right. CLIP rescans the word every round (quadratic in
//    its length); here a min-heap of (rank, position) over a linked list of symbols does the
//    same in O(L log L). A round pops every entry of its rank in position order, skipping
//    entries whose pair has changed; pairs made by the round are pushed after it (never of
//    the round's rank: a merged token differs from both of its parts).
void ClipTokenizer::AppendBpe(const std::string& piece, std::vector<int32_t>* ids) {
  const bool cacheable = piece.size() <= kCachedPieceBytes;
  if (const auto cached = cacheable ? cache_.find(piece) : cache_.end(); cached != cache_.end()) {
    ids->insert(ids->end(), cached->second.begin(), cached->second.end());
    return;
  }
  const size_t length = piece.size();
  std::vector<int32_t> symbol(length);
  std::vector<uint32_t> next(length);  // == length: no next symbol
  std::vector<uint32_t> prev(length);  // == length: no previous symbol
  std::vector<uint8_t> alive(length, 1);
  for (size_t i = 0; i < length; ++i) {
    symbol[i] = byte_ids_[static_cast<unsigned char>(piece[i])];
    next[i] = uint32_t(i + 1), prev[i] = i ? uint32_t(i - 1) : uint32_t(length);
  }
  symbol.back() = byte_end_ids_[static_cast<unsigned char>(piece.back())];
  auto rank_at = [&](uint32_t left) -> int32_t {
    if (left >= length || next[left] >= length) return -1;
    const auto it = merge_ranks_.find(PairKey(symbol[left], symbol[next[left]]));
    return it == merge_ranks_.end() ? -1 : it->second;
  };
  using Entry = std::pair<int32_t, uint32_t>;  // (rank, left position)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap;
  auto push = [&](uint32_t left) {
    if (const int32_t rank = rank_at(left); rank >= 0) heap.emplace(rank, left);
  };
  for (uint32_t i = 0; i + 1 < length; ++i) push(i);
  std::vector<uint32_t> merged;
  while (!heap.empty()) {
    const int32_t rank = heap.top().first;
    merged.clear();
    while (!heap.empty() && heap.top().first == rank) {
      const uint32_t left = heap.top().second;
      heap.pop();
      if (!alive[left] || rank_at(left) != rank) continue;
      const uint32_t right = next[left];
      symbol[left] = merge_results_[rank];
      alive[right] = 0;
      next[left] = next[right];
      if (next[right] < length) prev[next[right]] = left;
      merged.push_back(left);
    }
    for (uint32_t left : merged) {
      if (!alive[left]) continue;
      push(prev[left]);
      push(left);
    }
  }
  std::vector<int32_t> word;
  for (uint32_t i = 0; i < length; i = next[i]) word.push_back(symbol[i]);
  if (cacheable) {
    if (cache_.size() >= kCacheLimit) cache_.clear();
    cache_.emplace(piece, word);
  }
  ids->insert(ids->end(), word.begin(), word.end());
}

std::vector<int32_t> ClipTokenizer::Encode(std::string_view text, size_t max_tokens) {
  const std::u32string clean = CleanClipText(DecodeUtf8(text));
  std::vector<int32_t> ids;
  for (size_t i = 0; i < clean.size() && ids.size() < max_tokens;) {
    const size_t length = PieceLength(clean, i);
    if (length == 0) {
      ++i;
      continue;
    }
    const std::u32string_view piece(clean.data() + i, length);
    if (piece == U"<|startoftext|>" || piece == U"<|endoftext|>") {
      ids.push_back(piece == U"<|startoftext|>" ? start_id_ : end_id_);
    } else {
      AppendBpe(EncodeUtf8(piece), &ids);
    }
    i += length;
  }
  return ids;
}

size_t ClipTokenizer::EncodePadded(std::string_view text, size_t context_length, int32_t pad_id,
                                   int32_t* ids, int32_t* mask) {
  // The row keeps the first context_length - 2 ids: encoding stops once it has one more.
  std::vector<int32_t> tokens = Encode(text, context_length);
  tokens.insert(tokens.begin(), start_id_);
  tokens.push_back(end_id_);
  if (tokens.size() > context_length) {
    tokens.resize(context_length);
    if (context_length > 0) tokens.back() = end_id_;
  }
  for (size_t k = 0; k < context_length; ++k) {
    const bool real = k < tokens.size();
    ids[k] = real ? tokens[k] : pad_id;
    if (mask) mask[k] = real ? 1 : 0;
  }
  return tokens.size();
}

}  // namespace clipscope
