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

// Where record `lsn` starts in its segment file.
struct RecordPosition {
  Lsn lsn = 0;
  uint64_t offset = 0;
};

// Records [from, to) of a segment that damage made unreadable; reading resumes at record `to`.
struct LostRange {
  Lsn from = 0;
  Lsn to = 0;
};

struct Segment {
  Lsn first = 0;         // LSN of the first record (the file's name)
  Lsn readable_end = 0;  // one past the last record readers can get from this file
  uint64_t size = 0;     // bytes that are durable; readers never read past them
  // Known record starts, by LSN: every kCheckpointInterval-th record and the first record after
  // each lost range, so a reader never walks across damage.
  std::vector<RecordPosition> positions;
  std::vector<LostRange> lost;  // in LSN order; empty for an undamaged segment

  // Adds a checkpoint when record `lsn` (stored at `offset`) is due one.
  void NoteRecord(Lsn lsn, uint64_t offset) {
    if ((lsn - first) % kCheckpointInterval == 0 && (positions.empty() || positions.back().lsn < lsn))
      positions.push_back({lsn, offset});
  }
  // Records [from, to) are lost to damage and record `to` starts at `offset`.
  void NoteResume(Lsn from, Lsn to, uint64_t offset) {
    if (to > from) lost.push_back({from, to});
    positions.push_back({to, offset});
  }
};

// What a reader needs to know about the segment holding (or following) some LSN `lsn`, copied
// out under the spool's lock.
struct SegmentView {
  Lsn first = 0;
  Lsn readable_end = 0;
  uint64_t size = 0;
  std::optional<Lsn> next_first;  // the following segment's first LSN; none for the last segment
  // One past the last record readable from `lsn` on without crossing a lost range.
  Lsn run_end = 0;
  // When `lsn` was lost to damage: the LSN where reading resumes (at most readable_end).
  std::optional<Lsn> lost_to;
  Lsn checkpoint_lsn = 0;  // the nearest known record start at or before `lsn`
  uint64_t checkpoint_offset = 0;
};

// "00000000000000000042.log" for first LSN 42: zero-padded so names sort like LSNs.
std::string SegmentFileName(Lsn first);

// The first LSN a segment file name stands for; nullopt for any other file name (or LSN 0).
std::optional<Lsn> ParseSegmentFileName(std::string_view name);

}  // namespace streamhook::spool
