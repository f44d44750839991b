// UTF-8 <-> code points. Invalid bytes and surrogate code points decode to U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace clipscope {

std::u32string DecodeUtf8(std::string_view bytes);
// Whether bytes are well-formed UTF-8 (no surrogates, overlong forms or values past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);
void AppendUtf8(char32_t c, std::string* out);
std::string EncodeUtf8(std::u32string_view text);

}  // namespace clipscope
