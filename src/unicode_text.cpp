#include "unicode_text.h"

#include <algorithm>
#include <vector>

#include "unicode_data.h"

namespace clipscope {
namespace {

void DecomposeInto(char32_t c, std::u32string* out) {
  const unicode::CodePoints parts = unicode::CanonicalDecomposition(c);
  if (parts.size() == 0) {
    out->push_back(c);
    return;
  }
  for (int i = 0; i < parts.size(); ++i) DecomposeInto(parts.cp[i], out);
}

// Final_Sigma (Unicode 3.13): a capital sigma after a cased letter (case-ignorables skipped)
// and not before one lowercases to final sigma.
bool IsFinalSigma(std::u32string_view text, size_t i) {
  size_t j = i;
  while (j > 0 && unicode::IsCaseIgnorable(text[j - 1])) --j;
  if (j == 0 || !unicode::IsCased(text[j - 1])) return false;
  size_t k = i + 1;
  while (k < text.size() && unicode::IsCaseIgnorable(text[k])) ++k;
  return k == text.size() || !unicode::IsCased(text[k]);
}

}  // namespace

// 1. Decompose every character fully (canonical mappings, Hangul algorithmically).
// 2. Put each run of non-starters in canonical order (stable sort by combining class).
// 3. Compose each character with the last starter unless a character between them blocks it.
std::u32string NormalizeNfc(std::u32string_view text) {
  // Text below U+0300 holds no combining mark and no character NFC changes.
  if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x300; }))
    return std::u32string(text);
  std::u32string decomposed;
  decomposed.reserve(text.size());
  for (char32_t c : text) DecomposeInto(c, &decomposed);

  for (size_t i = 0; i < decomposed.size();) {
    if (unicode::CombiningClass(decomposed[i]) == 0) {
      ++i;
      continue;
    }
    std::vector<std::pair<uint8_t, char32_t>> run;  // (class, character): one lookup each
    size_t end = i;
    for (; end < decomposed.size(); ++end) {
      const uint8_t combining_class = unicode::CombiningClass(decomposed[end]);
      if (combining_class == 0) break;
      run.emplace_back(combining_class, decomposed[end]);
    }
    std::stable_sort(run.begin(), run.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t k = 0; k < run.size(); ++k) decomposed[i + k] = run[k].second;
    i = end;
  }

  std::u32string out;
  out.reserve(decomposed.size());
  size_t starter = std::u32string::npos;
  for (char32_t c : decomposed) {
    const uint8_t combining_class = unicode::CombiningClass(c);
    if (starter != std::u32string::npos) {
      const bool adjacent = out.size() == starter + 1;
      const uint8_t previous = adjacent ? 0 : unicode::CombiningClass(out.back());
      if (adjacent || (previous != 0 && previous < combining_class)) {
        if (char32_t composite = unicode::Compose(out[starter], c)) {
          out[starter] = composite;
          continue;
        }
      }
    }
    if (combining_class == 0) starter = out.size();
    out.push_back(c);
  }
  return out;
}

std::u32string LowercaseFull(std::u32string_view text) {
  constexpr char32_t kCapitalSigma = 0x3A3, kSmallSigma = 0x3C3, kFinalSigma = 0x3C2;
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == kCapitalSigma) {
      out.push_back(IsFinalSigma(text, i) ? kFinalSigma : kSmallSigma);
      continue;
    }
    const unicode::CodePoints lower = unicode::Lowercase(text[i]);
    if (lower.size() == 0) out.push_back(text[i]);  // U+0000: the empty-slot marker
    for (int k = 0; k < lower.size(); ++k) out.push_back(lower.cp[k]);
  }
  return out;
}

}  // namespace clipscope
