// Unicode character properties and HTML entity names, looked up in tables generated at build
// time from Debian's unicode-data (scripts/generate_unicode_tables.py).
#pragma once

#include <cstdint>
#include <string_view>

namespace clipscope::unicode {

// The classes CLIP's pre-tokenizer regex distinguishes: \p{L}, \p{N}, \s, everything else.
enum class CharClass : uint8_t { kOther = 0, kLetter = 1, kNumber = 2, kSpace = 3 };

// Up to three code points; unused slots are 0.
struct CodePoints {
  char32_t cp[3] = {0, 0, 0};
  int size() const { return cp[0] == 0 ? 0 : cp[1] == 0 ? 1 : cp[2] == 0 ? 2 : 3; }
};

CharClass Classify(char32_t c);
bool IsCased(char32_t c);
bool IsCaseIgnorable(char32_t c);

// Full lowercase mapping without context (Final_Sigma is the caller's: it needs neighbours).
CodePoints Lowercase(char32_t c);

uint8_t CombiningClass(char32_t c);
// One step of canonical decomposition; empty if c has none.
CodePoints CanonicalDecomposition(char32_t c);
// The primary composite of a starter and a following character, or 0.
char32_t Compose(char32_t starter, char32_t next);

// ftfy's full/half-width repair (NFKC of U+FF01..U+FFEF, U+3000 -> space); empty if unchanged.
CodePoints WidthFold(char32_t c);

struct EntityValue {
  CodePoints value;
  bool uppercase_variant = false;  // an upper-cased name only ftfy's unescaper accepts
  bool found = false;
};
// An HTML5 entity by name without the leading '&' ("amp;", "amp", "NTILDE;").
EntityValue FindHtmlEntity(std::string_view name);

}  // namespace clipscope::unicode
