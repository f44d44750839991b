// HTML character references, as Python's html.unescape and ftfy's stricter unescaper read them.
#pragma once

#include <string>
#include <string_view>

namespace clipscope {

// Python's html.unescape: named references (with or without ';' where HTML5 allows it, longest
// prefix wins), decimal and hex references with the HTML5 replacements for invalid numbers.
std::u32string HtmlUnescape(std::u32string_view text);

// ftfy's unescape_html: only "&name;" / "&#digits;" / "&#xhex;" forms with a ';', plus
// upper-cased names such as "&NTILDE;".
std::u32string FtfyUnescapeHtml(std::u32string_view text);

}  // namespace clipscope
