// The text cleaning of openai/CLIP's tokenizer: ftfy.fix_text (the parts in scope), HTML
// unescaping twice, whitespace collapsing and lowercasing.
#pragma once

#include <string>
#include <string_view>

namespace clipscope {

// ftfy.fix_text's steps except mojibake repair, to a fixed point per line: HTML entities
// (until a line holds '<'), C1 controls read as Windows-1252, Latin ligatures, full/half-width
// forms, curly quotes, line breaks, terminal escapes (ASCII digits), control characters, NFC.
std::u32string FixText(std::u32string_view text);

// What the tokenizer's BPE stage sees: FixText, html.unescape twice, whitespace runs to one
// space, trimmed, lowercased.
std::u32string CleanClipText(std::u32string_view text);

}  // namespace clipscope
