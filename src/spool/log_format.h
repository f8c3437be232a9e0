// The on-disk framing of spool segment files: LevelDB's log format.
//
// A segment is a sequence of 32 KiB blocks. Each logical record is stored as one or more
// fragments; a fragment never crosses a block boundary:
//
//   +------------------+--------------+----------+------------------+
//   | masked CRC32C: 4 | length: 2 LE | type: 1  | data: length     |
//   +------------------+--------------+----------+------------------+
//
// The CRC covers the type byte and the data. A record that fits the rest of the block is one FULL
// fragment; otherwise FIRST, MIDDLE..., LAST. When fewer than 7 bytes remain in a block they are
// zero-filled and the next fragment starts in the next block. Fixed-size blocks let a reader
// resynchronize after damage, and the CRC on every fragment catches torn and flipped bytes.
//
// Records carry no sequence numbers: a segment is named after the LSN of its first record
// (`<first-lsn, 20 digits>.log`) and the n-th record in it has LSN first + n.
#pragma once

#include <cstddef>
#include <cstdint>

namespace streamhook::spool::log {

enum RecordType : uint8_t {
  // Never written: a zero header is what a file extended by a crash (or preallocation) holds.
  kZeroType = 0,
  kFullType = 1,
  kFirstType = 2,
  kMiddleType = 3,
  kLastType = 4,
};
inline constexpr uint8_t kMaxRecordType = kLastType;

inline constexpr size_t kBlockSize = 32768;
// checksum (4 bytes), length (2 bytes), type (1 byte).
inline constexpr size_t kHeaderSize = 4 + 2 + 1;

// An upper bound on the bytes a record of `n` data bytes takes on disk wherever it starts: each
// block it touches adds at most one header and at most kHeaderSize - 1 bytes of trailer padding.
inline constexpr uint64_t MaxEncodedSize(uint64_t n) {
  return n + (n / (kBlockSize - kHeaderSize) + 2) * (2 * kHeaderSize - 1);
}

}  // namespace streamhook::spool::log
