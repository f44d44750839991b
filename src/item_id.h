// Caller-chosen ids: a number or a string (JS numbers are doubles). 1 and "1" are different ids.
#pragma once

#include <string>
#include <variant>

namespace clipscope {

using ItemId = std::variant<double, std::string>;

// For error messages: 42, 0.5 or "cat".
std::string DescribeId(const ItemId& id);

}  // namespace clipscope
