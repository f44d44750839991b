#include "html_unescape.h"

#include "unicode_data.h"

namespace clipscope {
namespace {

// Windows-1252 for bytes 0x80..0x9F; its five undefined bytes stay C1 controls, as in
// html.unescape's table of invalid references and ftfy's "sloppy" codec.
constexpr char32_t kWindows1252C1[32] = {
    0x20AC, 0x81,   0x201A, 0x192,  0x201E, 0x2026, 0x2020, 0x2021, 0x2C6,  0x2030, 0x160,
    0x2039, 0x152,  0x8D,   0x17D,  0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x2DC,  0x2122, 0x161,  0x203A, 0x153,  0x9D,   0x17E,  0x178};

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAsciiHexDigit(char32_t c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool IsAsciiAlnum(char32_t c) {
  return IsAsciiDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Python's _replace_charref for a number; appends nothing for the references HTML5 drops.
void AppendNumericReference(uint64_t number, std::u32string* out) {
  if (number == 0) {
    out->push_back(0xFFFD);
  } else if (number == 0x0D) {
    out->push_back(0x0D);
  } else if (number >= 0x80 && number <= 0x9F) {
    out->push_back(Windows1252ForC1(static_cast<char32_t>(number)));
  } else if ((number >= 0xD800 && number <= 0xDFFF) || number > 0x10FFFF) {
    out->push_back(0xFFFD);
  } else if ((number >= 0x1 && number <= 0x8) || number == 0xB ||
             (number >= 0xE && number <= 0x1F) || number == 0x7F ||
             (number >= 0xFDD0 && number <= 0xFDEF) || (number & 0xFFFE) == 0xFFFE) {
    // invalid code points: dropped
  } else {
    out->push_back(static_cast<char32_t>(number));
  }
}

// Reads digits from text[i..) in the given base; saturates far above U+10FFFF.
uint64_t ParseNumber(std::u32string_view text, size_t begin, size_t end, int base) {
  uint64_t value = 0;
  for (size_t i = begin; i < end; ++i) {
    const char32_t c = text[i];
    const int digit = IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    value = value * base + digit;
    if (value > 0xFFFFFFFF) value = 0xFFFFFFFF;
  }
  return value;
}

void AppendValue(const unicode::CodePoints& value, std::u32string* out) {
  for (int k = 0; k < value.size(); ++k) out->push_back(value.cp[k]);
}

// The ASCII name text[begin, end) as a string, or empty if any character is not ASCII.
std::string AsciiName(std::u32string_view text, size_t begin, size_t end) {
  std::string name;
  for (size_t i = begin; i < end; ++i) {
    if (text[i] >= 0x80) return {};
    name.push_back(static_cast<char>(text[i]));
  }
  return name;
}

bool EndsNamedReference(char32_t c) {
  return c == '\t' || c == '\n' || c == '\f' || c == ' ' || c == '<' || c == '&' || c == '#' ||
         c == ';';
}

// Matches Python's `&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)` at text[amp] and
// appends the replacement; returns the index after the match, or amp if nothing matched.
size_t ReplaceReference(std::u32string_view text, size_t amp, std::u32string* out) {
  const size_t n = text.size();
  size_t i = amp + 1;
  if (i < n && text[i] == '#') {
    size_t begin = i + 1;
    int base = 10;
    if (begin < n && (text[begin] == 'x' || text[begin] == 'X')) {
      base = 16;
      ++begin;
    }
    size_t end = begin;
    while (end < n && (base == 16 ? IsAsciiHexDigit(text[end]) : IsAsciiDigit(text[end]))) ++end;
    if (end == begin) return amp;  // "&#" or "&#x" without digits is plain text
    AppendNumericReference(ParseNumber(text, begin, end, base), out);
    return end < n && text[end] == ';' ? end + 1 : end;
  }
  size_t end = i;
  while (end < n && end - i < 32 && !EndsNamedReference(text[end])) ++end;
  if (end == i) return amp;
  if (end < n && text[end] == ';') ++end;
  // The whole name, then ever shorter prefixes (at least two characters) of it.
  for (size_t stop = end; stop >= i + 2; --stop) {
    const std::string name = AsciiName(text, i, stop);
    if (name.empty()) continue;
    const unicode::EntityValue entity = unicode::FindHtmlEntity(name);
    if (!entity.found || entity.uppercase_variant) continue;
    AppendValue(entity.value, out);
    out->append(text.substr(stop, end - stop));
    return end;
  }
  out->push_back('&');
  out->append(text.substr(i, end - i));
  return end;
}

}  // namespace

char32_t Windows1252ForC1(char32_t c) {
  return c >= 0x80 && c <= 0x9F ? kWindows1252C1[c - 0x80] : c;
}

std::u32string HtmlUnescape(std::u32string_view text) {
  if (text.find(U'&') == std::u32string_view::npos) return std::u32string(text);
  std::u32string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '&') {
      const size_t next = ReplaceReference(text, i, &out);
      if (next != i) {
        i = next;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

std::u32string FtfyUnescapeHtml(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const size_t n = text.size();
  for (size_t i = 0; i < n;) {
    if (text[i] != '&') {
      out.push_back(text[i++]);
      continue;
    }
    // `&#?[0-9A-Za-z]{1,24};`
    const bool numeric = i + 1 < n && text[i + 1] == '#';
    const size_t begin = i + (numeric ? 2 : 1);
    size_t end = begin;
    while (end < n && IsAsciiAlnum(text[end])) ++end;
    if (end == begin || end - begin > 24 || end >= n || text[end] != ';') {
      out.push_back(text[i++]);
      continue;
    }
    const std::u32string_view match = text.substr(i, end + 1 - i);
    if (!numeric) {
      const unicode::EntityValue entity = unicode::FindHtmlEntity(AsciiName(text, begin, end + 1));
      if (entity.found) {
        AppendValue(entity.value, &out);
      } else {
        out.append(match);
      }
    } else {
      // A numeric reference is replaced only when html.unescape consumes it whole.
      const std::u32string unescaped = HtmlUnescape(match);
      if (unescaped.find(U';') != std::u32string::npos) {
        out.append(match);
      } else {
        out.append(unescaped);
      }
    }
    i = end + 1;
  }
  return out;
}

}  // namespace clipscope
