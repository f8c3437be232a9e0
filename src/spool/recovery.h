// Recovery: rebuilds the in-memory segment list from the segment files when a spool opens.
//
// Every segment is read and checked record by record:
// - damage that an intact record follows (in a later 32 KiB block) is a damaged place: reading
//   resumes at that record, the records in between are lost (Segment::lost) and counted, and LSNs
//   go on after them. The count comes from the damaged records' headers; when those are damaged
//   too it is an upper bound, or, in a segment that has a successor, whatever its name leaves.
// - damage that nothing intact follows in the last segment is a torn tail (a crash in the middle
//   of a write): it is cut off, so appending continues after the last good record;
// - in an earlier segment it is a damaged place too; readers skip from there to the next segment
//   (whose name says where LSNs continue).
// A last segment with damaged places is never appended to: the spool starts a new one.
// Files that are not segments are left alone.
#pragma once

#include <deque>
#include <filesystem>

#include "common/status.h"
#include "spool/segment.h"
#include "spool/spool_types.h"

namespace streamhook::spool {

// The segments in `dir`, oldest first, the last one's torn tail cut. Adds what it found to
// *report and logs each damaged place. Fails only when files cannot be listed, read or truncated.
Result<std::deque<Segment>> RecoverSegments(const std::filesystem::path& dir, bool sync,
                                            RecoveryReport* report);

}  // namespace streamhook::spool
