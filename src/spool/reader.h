// Reader: reads the spool's durable records in LSN order from a starting LSN.
//
// A hook owns one reader, positioned at its cursor: Read a batch, deliver it, commit the cursor to
// position(), and Wait when caught up. A reader never returns a record that is not yet durable.
// Records lost to damage (see RecoveryReport) or already deleted are skipped: the LSNs of returned
// records then jump, and records_skipped() counts what was jumped over.
// Not thread-safe: one thread uses a reader at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.h"
#include "spool/segment.h"
#include "spool/segment_reader.h"
#include "spool/spool_types.h"

namespace streamhook::spool {

class Spool;

class Reader {
 public:
  // Appends to *out the durable records from position() on, at most max_records of them with at
  // most max_bytes of data in total (a single record bigger than max_bytes comes alone), and moves
  // position() past them. Appends nothing when caught up. Fails with IoError when a segment
  // cannot be read, and with Corruption when the newest segment went bad after recovery.
  Status Read(size_t max_records, size_t max_bytes, std::vector<SpoolRecord>* out);

  // Waits until a record at position() is durable; false on time-out.
  bool Wait(std::chrono::milliseconds timeout) const;

  // The LSN the next record returned will have (or a later one, when records were skipped): where
  // a hook commits its cursor after delivering what Read returned.
  Lsn position() const { return held_ ? held_->lsn : next_; }
  // Continues reading at `lsn`.
  void Seek(Lsn lsn);

  uint64_t records_skipped() const { return skipped_; }

 private:
  friend class Spool;
  Reader(const Spool* spool, Lsn from) : spool_(spool), next_(from) {}

  // Handles a record that should be durable but cannot be read (the file changed after recovery):
  // resumes after the damage when the records lost can be counted exactly, else skips to the next
  // segment when there is one, else fails.
  Status SkipDamage(SegmentReader::Outcome outcome, const std::string& problem, const SegmentView& view);

  const Spool* spool_;
  Lsn next_;  // the LSN of the next record to read from disk
  uint64_t skipped_ = 0;
  std::unique_ptr<SegmentReader> segment_;  // the segment being read, when one is open
  Lsn segment_first_ = 0;                   // its first LSN
  Lsn segment_lsn_ = 0;                     // the LSN of the record at segment_->offset()
  std::optional<SpoolRecord> held_;         // read but not returned: it did not fit max_bytes
};

}  // namespace streamhook::spool
