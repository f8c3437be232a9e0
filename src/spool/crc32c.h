// CRC-32C (Castagnoli), the checksum on every spool record, as LevelDB and iSCSI use it.
//
// Uses the SSE4.2 crc32 instruction when the CPU has it and Boost.CRC's table otherwise; both give
// the same values (tests compare them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace streamhook::spool::crc32c {

// The CRC-32C of data[0, n) appended to a stream whose CRC so far is `crc` (0 for an empty stream).
uint32_t Extend(uint32_t crc, const char* data, size_t n);

// The CRC-32C of data[0, n).
inline uint32_t Value(const char* data, size_t n) {
  return Extend(0, data, n);
}
inline uint32_t Value(std::string_view data) {
  return Extend(0, data.data(), data.size());
}

// The portable implementation, exposed so tests can check the hardware path against it.
uint32_t ExtendPortable(uint32_t crc, const char* data, size_t n);

// True when Extend uses the SSE4.2 instruction on this machine.
bool HardwareAccelerated();

// A CRC stored next to data that itself contains CRCs is masked, because the CRC of a string that
// embeds its own CRC is weak (LevelDB's reasoning). Unmask(Mask(c)) == c.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kMaskDelta;
}
inline uint32_t Unmask(uint32_t masked) {
  const uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

}  // namespace streamhook::spool::crc32c
