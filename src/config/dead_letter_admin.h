// DeadLetterAdmin: what the admin API needs from the dead letters of delivery (records a hook gave
// up on) to list, replay and purge them. Delivery implements it; the admin API only speaks HTTP
// over it (AdminApi::SetDeadLetterAdmin), so config does not depend on delivery.
//
// Letters of a hook are numbered from 0, oldest first; replaying or purging [0, up_to) renumbers
// the rest from 0. Every method is called on the admin API's thread and must be thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace streamhook::config {

struct ReplayProgress {
  uint64_t queued = 0;     // letters appended back to the spool by replays so far
  uint64_t delivered = 0;  // of those, delivered so far

  bool operator==(const ReplayProgress&) const = default;
};

class DeadLetterAdmin {
 public:
  virtual ~DeadLetterAdmin() = default;

  // Letters of a hook, oldest first, from index `offset`, at most `limit` (0 is allowed: only
  // counts); *total gets the count. Each letter is one JSON object text.
  virtual Result<std::vector<std::string>> List(std::string_view hook_id, size_t offset, size_t limit,
                                                size_t* total) = 0;
  // Appends the hook's letters [0, up_to) back to the spool for that hook only and removes them
  // from the dead letters; returns how many were queued (fewer when there are fewer letters).
  virtual Result<size_t> Replay(std::string_view hook_id, size_t up_to) = 0;
  // Progress of the replays of a hook: queued so far and delivered so far.
  virtual ReplayProgress Progress(std::string_view hook_id) = 0;
  // Deletes the hook's letters [0, up_to); returns how many were deleted.
  virtual Result<size_t> Purge(std::string_view hook_id, size_t up_to) = 0;
};

}  // namespace streamhook::config
