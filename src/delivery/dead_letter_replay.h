// DeadLetterReplay: the admin API's view of the dead letters (list, replay, purge), over the
// dead-letter store and the spool.
//
// Replay appends the chosen letters to the spool as ReplayRecords for their hook and, once that is
// durable, removes them from the dead letters: a crash in between replays them twice, never zero
// times. The hook then sends them behind its cursor with its usual retries; a letter that fails
// again is dead-lettered again. Replayed records go after the records the hook already sent, so
// per-key order is that of the replay, not of the original events.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "config/dead_letter_admin.h"
#include "producer/dead_letter_store.h"
#include "spool/spool.h"

namespace streamhook::delivery {

class DeadLetterReplay final : public config::DeadLetterAdmin {
 public:
  // How many replayed letters of a hook are finished (delivered or dead-lettered again).
  using FinishedCount = std::function<uint64_t(std::string_view hook_id)>;

  // All must outlive this object.
  DeadLetterReplay(producer::DeadLetterStore* store, spool::Spool* spool, FinishedCount finished);

  Result<std::vector<std::string>> List(std::string_view hook_id, size_t offset, size_t limit,
                                        size_t* total) override;
  Result<size_t> Replay(std::string_view hook_id, size_t up_to) override;
  config::ReplayProgress Progress(std::string_view hook_id) override;
  Result<size_t> Purge(std::string_view hook_id, size_t up_to) override;

 private:
  producer::DeadLetterStore* store_;
  spool::Spool* spool_;
  FinishedCount finished_;
  std::mutex mutex_;  // one replay or purge at a time: both remove from the front of the list
  // Per hook: letters queued by replays since start, and the finished count when the first was
  // queued (the runner's counter starts with the process, not with the replay).
  std::map<std::string, config::ReplayProgress, std::less<>> queued_;
  std::map<std::string, uint64_t, std::less<>> finished_base_;
};

}  // namespace streamhook::delivery
