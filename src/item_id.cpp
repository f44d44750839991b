#include "item_id.h"

#include <cstdio>
#include <cstdlib>

namespace clipscope {

std::string DescribeId(const ItemId& id) {
  if (const double* number = std::get_if<double>(&id)) {
    // Shortest precision that reads back as the same double, as JS prints numbers.
    char text[32];
    for (int precision = 15; precision <= 17; ++precision) {
      std::snprintf(text, sizeof text, "%.*g", precision, *number);
      if (std::strtod(text, nullptr) == *number) break;
    }
    return text;
  }
  return "\"" + std::get<std::string>(id) + "\"";
}

}  // namespace clipscope
