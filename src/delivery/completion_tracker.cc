#include "delivery/completion_tracker.h"

#include <algorithm>

namespace streamhook::delivery {

void CompletionTracker::Track(uint64_t lsn) {
  entries_.push_back({lsn, false});
  ++outstanding_;
  // Everything before a handed-out record has been read already (tracked or filtered out).
  read_position_ = std::max(read_position_, lsn + 1);
}

void CompletionTracker::ReadUpTo(uint64_t position) {
  read_position_ = std::max(read_position_, position);
}

void CompletionTracker::Done(uint64_t lsn) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), lsn,
                             [](const Entry& e, uint64_t value) { return e.lsn < value; });
  if (it == entries_.end() || it->lsn != lsn || it->done) return;
  it->done = true;
  --outstanding_;
  while (!entries_.empty() && entries_.front().done) entries_.pop_front();
}

uint64_t CompletionTracker::SafePosition() const {
  return entries_.empty() ? read_position_ : entries_.front().lsn;
}

}  // namespace streamhook::delivery
