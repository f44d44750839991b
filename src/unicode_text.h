// Whole-string Unicode operations with Python's semantics: NFC (unicodedata.normalize) and
// full lowercasing with the Final_Sigma rule (str.lower()).
#pragma once

#include <string>
#include <string_view>

namespace clipscope {

std::u32string NormalizeNfc(std::u32string_view text);
std::u32string LowercaseFull(std::u32string_view text);

}  // namespace clipscope
