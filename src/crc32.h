// CRC-32 (IEEE 802.3, as zlib and PNG): detects every error burst up to 32 bits long.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipscope {

// bytes: size bytes.
uint32_t Crc32(const uint8_t* bytes, size_t size);

// The CRC-32 of bytes seen in pieces: Crc32(a + b) == Crc32Extend(Crc32(a), b, size of b),
// and Crc32Extend(0, bytes, size) == Crc32(bytes, size).
uint32_t Crc32Extend(uint32_t crc, const uint8_t* bytes, size_t size);

}  // namespace clipscope
