// HTML character references, as Python's html.unescape and ftfy's stricter unescaper read them.
#pragma once

#include <string>
#include <string_view>

namespace clipscope {

// Python's html.unescape: named references (with or without ';' where HTML5 allows it, longest
// prefix wins), decimal and hex references with the HTML5 replacements for invalid numbers.
std::u32string HtmlUnescape(std::u32string_view text);

// A C1 control (U+0080..U+009F) read as the Windows-1252 byte it most likely was; its five
// undefined bytes stay as they are. Any other character is returned unchanged.
char32_t Windows1252ForC1(char32_t c);

// ftfy's unescape_html: only "&name;" / "&#digits;" / "&#xhex;" forms with a ';', plus
// upper-cased names such as "&NTILDE;".
std::u32string FtfyUnescapeHtml(std::u32string_view text);

}  // namespace clipscope
