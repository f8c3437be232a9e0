// Recovery: rebuilds the in-memory segment list from the segment files when a spool opens.
//
// Every segment is read and checked record by record:
// - the last segment's torn or corrupt tail (a crash in the middle of a write) is cut off, so
//   appending continues after the last good record;
// - damage in an earlier segment keeps the records before it; readers skip from there to the next
//   segment (whose name says where LSNs continue) and the place is reported.
// Files that are not segments are left alone.
#pragma once

#include <deque>
#include <filesystem>

#include "common/status.h"
#include "spool/segment.h"
#include "spool/spool_types.h"

namespace streamhook::spool {

// The segments in `dir`, oldest first, with the last one ready for appending. Adds what it found
// to *report. Fails only when files cannot be listed, read or truncated.
Result<std::deque<Segment>> RecoverSegments(const std::filesystem::path& dir, bool sync,
                                            RecoveryReport* report);

}  // namespace streamhook::spool
