// CRC-32 (IEEE 802.3, as zlib and PNG): detects every error burst up to 32 bits long.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipscope {

// bytes: size bytes.
uint32_t Crc32(const uint8_t* bytes, size_t size);

}  // namespace clipscope
