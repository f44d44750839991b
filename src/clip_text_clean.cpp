#include "clip_text_clean.h"

#include <algorithm>

#include "html_unescape.h"
#include "unicode_data.h"
#include "unicode_text.h"

namespace clipscope {
namespace {

void AppendString(const char* ascii, std::u32string* out) {
  while (*ascii) out->push_back(static_cast<unsigned char>(*ascii++));
}

// ftfy's Latin ligature table (others, as in Arabic or CJK, are left alone).
bool AppendLigature(char32_t c, std::u32string* out) {
  switch (c) {
    case 0x132:
      AppendString("IJ", out);
      return true;
    case 0x133:
      AppendString("ij", out);
      return true;
    case 0x149:
      out->append({0x2BC, 'n'});
      return true;
    case 0x1F1:
      AppendString("DZ", out);
      return true;
    case 0x1F2:
      AppendString("Dz", out);
      return true;
    case 0x1F3:
      AppendString("dz", out);
      return true;
    case 0x1C4:
      out->append({'D', 0x17D});
      return true;
    case 0x1C5:
      out->append({'D', 0x17E});
      return true;
    case 0x1C6:
      out->append({'d', 0x17E});
      return true;
    case 0x1C7:
      AppendString("LJ", out);
      return true;
    case 0x1C8:
      AppendString("Lj", out);
      return true;
    case 0x1C9:
      AppendString("lj", out);
      return true;
    case 0x1CA:
      AppendString("NJ", out);
      return true;
    case 0x1CB:
      AppendString("Nj", out);
      return true;
    case 0x1CC:
      AppendString("nj", out);
      return true;
    case 0xFB00:
      AppendString("ff", out);
      return true;
    case 0xFB01:
      AppendString("fi", out);
      return true;
    case 0xFB02:
      AppendString("fl", out);
      return true;
    case 0xFB03:
      AppendString("ffi", out);
      return true;
    case 0xFB04:
      AppendString("ffl", out);
      return true;
    case 0xFB05:
      out->append({0x17F, 't'});
      return true;
    case 0xFB06:
      AppendString("st", out);
      return true;
    default:
      return false;
  }
}

bool IsRemovedControl(char32_t c) {
  return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
         (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
}

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Length of an ANSI escape "ESC [ (digit|;)* letter" at text[i], or 0.
size_t TerminalEscapeLength(std::u32string_view text, size_t i) {
  if (text[i] != 0x1B || i + 1 >= text.size() || text[i + 1] != '[') return 0;
  size_t j = i + 2;
  while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == ';')) ++j;
  return j < text.size() && IsAsciiLetter(text[j]) ? j + 1 - i : 0;
}

// Printable ASCII, tabs and line feeds: text that none of the fixes below change.
bool IsPlainAscii(std::u32string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char32_t c) { return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\n'; });
}

// One pass of ftfy's per-character fixes, in its order.
std::u32string FixCharacters(std::u32string_view text) {
  if (IsPlainAscii(text)) return std::u32string(text);
  std::u32string step;
  step.reserve(text.size());
  for (char32_t c : text) {
    c = Windows1252ForC1(c);
    if (AppendLigature(c, &step)) continue;
    const unicode::CodePoints wide = unicode::WidthFold(c);
    if (wide.size() > 0) {
      for (int k = 0; k < wide.size(); ++k) step.push_back(wide.cp[k]);
      continue;
    }
    step.push_back(c);
  }
  // The ligature and width maps emit no quotes, breaks or controls, so one more loop does the rest.
  std::u32string out;
  out.reserve(step.size());
  for (size_t i = 0; i < step.size(); ++i) {
    char32_t c = step[i];
    if (c == 0x2BC || (c >= 0x2018 && c <= 0x201B)) c = '\'';
    if (c >= 0x201C && c <= 0x201F) c = '"';
    if (c == '\r' && i + 1 < step.size() && step[i + 1] == '\n') continue;
    if (c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x85) c = '\n';
    out.push_back(c);
  }
  std::u32string cleaned;
  cleaned.reserve(out.size());
  for (size_t i = 0; i < out.size();) {
    if (size_t escape = TerminalEscapeLength(out, i)) {
      i += escape;
      continue;
    }
    if (!IsRemovedControl(out[i])) cleaned.push_back(out[i]);
    ++i;
  }
  return NormalizeNfc(cleaned);
}

// ftfy repeats its fixes until the text stops changing; each round can peel one level of
// nested entities ("&amp;amp;amp;..."), so without a bound a line of n such levels costs n
// rounds of O(n). Real text needs two or three rounds: after kMaxFixRounds the text is kept as
// it is, so cleaning stays linear (deeper nesting differs from ftfy, which would go on).
constexpr int kMaxFixRounds = 8;

std::u32string FixSegment(std::u32string_view segment, bool unescape_html) {
  std::u32string text(segment);
  for (int round = 0; round < kMaxFixRounds; ++round) {
    std::u32string fixed = FixCharacters(unescape_html ? FtfyUnescapeHtml(text) : text);
    if (fixed == text) break;
    text = std::move(fixed);
  }
  return text;
}

bool IsSpace(char32_t c) { return unicode::Classify(c) == unicode::CharClass::kSpace; }

}  // namespace

std::u32string FixText(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  bool unescape_html = true;
  for (size_t pos = 0; pos < text.size();) {
    const size_t newline = text.find(U'\n', pos);
    const size_t end = newline == std::u32string_view::npos ? text.size() : newline + 1;
    const std::u32string_view segment = text.substr(pos, end - pos);
    if (segment.find(U'<') != std::u32string_view::npos) unescape_html = false;
    out += FixSegment(segment, unescape_html);
    pos = end;
  }
  return out;
}

std::u32string CleanClipText(std::u32string_view text) {
  const std::u32string unescaped = HtmlUnescape(HtmlUnescape(FixText(text)));
  std::u32string collapsed;
  collapsed.reserve(unescaped.size());
  for (char32_t c : unescaped) {
    if (!IsSpace(c)) {
      collapsed.push_back(c);
    } else if (!collapsed.empty() && collapsed.back() != ' ') {
      collapsed.push_back(' ');
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return LowercaseFull(collapsed);
}

}  // namespace clipscope
