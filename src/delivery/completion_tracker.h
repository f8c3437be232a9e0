// CompletionTracker: how far a hook's cursor may move when records finish out of order.
//
// Records are tracked in LSN order as they are handed to the producer; lanes and retries finish
// them in any order. The cursor may pass a record only when it and everything before it is done,
// so the safe position is the oldest unfinished LSN (or the read position when none is left).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace streamhook::delivery {

class CompletionTracker {
 public:
  // Starts with every record before `position` done.
  explicit CompletionTracker(uint64_t position) : read_position_(position) {}

  // A record handed out (LSNs increase from call to call).
  void Track(uint64_t lsn);
  // The reader moved to `position`: everything before it that is not tracked needs no delivery.
  void ReadUpTo(uint64_t position);
  // A tracked record finished (delivered or dead-lettered). Unknown LSNs are ignored.
  void Done(uint64_t lsn);

  // The LSN up to which everything is finished: where the cursor may be committed.
  uint64_t SafePosition() const;
  size_t outstanding() const { return outstanding_; }

 private:
  struct Entry {
    uint64_t lsn;
    bool done;
  };
  std::deque<Entry> entries_;  // tracked, in LSN order; finished ones are popped from the front
  uint64_t read_position_;
  size_t outstanding_ = 0;
};

}  // namespace streamhook::delivery
