// Segment: what the spool knows in memory about one segment file, and how segment files are named.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spool/spool_types.h"

namespace streamhook::spool {

// Every kCheckpointInterval-th record of a segment has its offset remembered, so a reader can start
// at any LSN by reading at most this many records instead of the whole segment.
inline constexpr uint64_t kCheckpointInterval = 1024;

struct Segment {
  Lsn first = 0;         // LSN of the first record (the file's name)
  Lsn readable_end = 0;  // one past the last record readers can get from this file
  uint64_t size = 0;     // bytes that are durable; readers never read past them
  // checkpoints[k] is the offset of record first + k * kCheckpointInterval.
  std::vector<uint64_t> checkpoints;

  // Adds a checkpoint when record `lsn` (stored at `offset`) is due one.
  void NoteRecord(Lsn lsn, uint64_t offset) {
    if ((lsn - first) % kCheckpointInterval == 0) checkpoints.push_back(offset);
  }
};

// "00000000000000000042.log" for first LSN 42: zero-padded so names sort like LSNs.
std::string SegmentFileName(Lsn first);

// The first LSN a segment file name stands for; nullopt for any other file name (or LSN 0).
std::optional<Lsn> ParseSegmentFileName(std::string_view name);

}  // namespace streamhook::spool
