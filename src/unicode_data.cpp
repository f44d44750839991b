#include "unicode_data.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <iterator>

namespace clipscope::unicode {
namespace {

struct ClassRange {
  char32_t lo, hi;
  uint8_t value;
};
struct CodePointPair {
  char32_t from, to;
};
struct Expansion {
  char32_t from;
  char32_t to[3];
};
struct Composition {
  char32_t first, second, composite;
};
struct HtmlEntity {
  const char* name;
  char32_t value[2];
  bool uppercase_variant;
};

#include "unicode_tables.inc"

template <typename Table>
uint8_t RangeValue(const Table& table, char32_t c) {
  auto it = std::upper_bound(std::begin(table), std::end(table), c,
                             [](char32_t v, const ClassRange& r) { return v < r.lo; });
  if (it == std::begin(table)) return 0;
  --it;
  return c <= it->hi ? it->value : 0;
}

template <typename Table>
const Expansion* FindExpansion(const Table& table, char32_t c) {
  auto it = std::lower_bound(std::begin(table), std::end(table), c,
                             [](const Expansion& e, char32_t v) { return e.from < v; });
  return it != std::end(table) && it->from == c ? &*it : nullptr;
}

CodePoints FromExpansion(const Expansion* e) {
  CodePoints out;
  if (e) std::copy(std::begin(e->to), std::end(e->to), out.cp);
  return out;
}

// Hangul syllables compose and decompose algorithmically (Unicode 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount,
              kSCount = kLCount * kNCount;

}  // namespace

CharClass Classify(char32_t c) {
  // ASCII is most text: one table lookup instead of a search.
  static const auto ascii = [] {
    std::array<uint8_t, 128> table{};
    for (char32_t a = 0; a < 128; ++a) table[a] = uint8_t(RangeValue(kClassRanges, a));
    return table;
  }();
  return static_cast<CharClass>(c < 128 ? ascii[c] : RangeValue(kClassRanges, c));
}
bool IsCased(char32_t c) { return RangeValue(kCasedRanges, c) != 0; }
bool IsCaseIgnorable(char32_t c) { return RangeValue(kCaseIgnorableRanges, c) != 0; }
// No character below U+0300 (the first combining mark) has a combining class.
uint8_t CombiningClass(char32_t c) { return c < 0x300 ? 0 : RangeValue(kCombiningClassRanges, c); }

CodePoints Lowercase(char32_t c) {
  if (const Expansion* special = FindExpansion(kSpecialLowercase, c)) return FromExpansion(special);
  auto it = std::lower_bound(std::begin(kSimpleLowercase), std::end(kSimpleLowercase), c,
                             [](const CodePointPair& p, char32_t v) { return p.from < v; });
  CodePoints out;
  out.cp[0] = it != std::end(kSimpleLowercase) && it->from == c ? it->to : c;
  return out;
}

CodePoints CanonicalDecomposition(char32_t c) {
  if (c >= kSBase && c < kSBase + kSCount) {
    const int s = static_cast<int>(c - kSBase);
    CodePoints out;
    if (s % kTCount != 0) {  // LVT -> LV + T
      out.cp[0] = c - s % kTCount;
      out.cp[1] = kTBase + s % kTCount;
    } else {
      out.cp[0] = kLBase + s / kNCount;
      out.cp[1] = kVBase + (s % kNCount) / kTCount;
    }
    return out;
  }
  return FromExpansion(FindExpansion(kCanonicalDecomposition, c));
}

char32_t Compose(char32_t starter, char32_t next) {
  if (starter >= kLBase && starter < kLBase + kLCount && next >= kVBase && next < kVBase + kVCount)
    return kSBase + ((starter - kLBase) * kVCount + (next - kVBase)) * kTCount;
  if (starter >= kSBase && starter < kSBase + kSCount && (starter - kSBase) % kTCount == 0 &&
      next > kTBase && next < kTBase + kTCount)
    return starter + (next - kTBase);
  auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions),
                             Composition{starter, next, 0},
                             [](const Composition& a, const Composition& b) {
                               return a.first != b.first ? a.first < b.first : a.second < b.second;
                             });
  return it != std::end(kCompositions) && it->first == starter && it->second == next ? it->composite
                                                                                     : 0;
}

CodePoints WidthFold(char32_t c) { return FromExpansion(FindExpansion(kWidthMap, c)); }

EntityValue FindHtmlEntity(std::string_view name) {
  auto it = std::lower_bound(
      std::begin(kHtmlEntities), std::end(kHtmlEntities), name,
      [](const HtmlEntity& e, std::string_view v) { return std::string_view(e.name) < v; });
  EntityValue out;
  if (it == std::end(kHtmlEntities) || std::string_view(it->name) != name) return out;
  out.value.cp[0] = it->value[0];
  out.value.cp[1] = it->value[1];
  out.uppercase_variant = it->uppercase_variant;
  out.found = true;
  return out;
}

}  // namespace clipscope::unicode
