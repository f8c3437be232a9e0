#include "delivery/dead_letter_replay.h"

#include <spdlog/spdlog.h>

#include "common/replay_record.h"

namespace streamhook::delivery {

DeadLetterReplay::DeadLetterReplay(producer::DeadLetterStore* store, spool::Spool* spool,
                                   FinishedCount finished)
    : store_(store), spool_(spool), finished_(std::move(finished)) {}

Result<std::vector<std::string>> DeadLetterReplay::List(std::string_view hook_id, size_t offset, size_t limit,
                                                        size_t* total) {
  Result<std::vector<std::string>> lines = store_->ReadLines(std::string(hook_id));
  if (!lines.ok()) return lines.status();
  *total = lines->size();
  std::vector<std::string> page;
  for (size_t i = offset; i < lines->size() && page.size() < limit; ++i)
    page.push_back(std::move((*lines)[i]));
  return page;
}

Result<size_t> DeadLetterReplay::Replay(std::string_view hook_id, size_t up_to) {
  std::lock_guard lock(mutex_);
  const std::string hook(hook_id);
  Result<std::vector<std::string>> lines = store_->ReadLines(hook);
  if (!lines.ok()) return lines.status();
  const size_t count = std::min(up_to, lines->size());
  if (count == 0) return size_t{0};
  std::vector<std::string> records;
  records.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Result<producer::DeadLetter> letter = producer::ParseDeadLetterJson((*lines)[i]);
    if (!letter.ok()) {
      return Status::Corruption("dead letter " + std::to_string(i) + " of hook " + hook +
                                " cannot be read back: " + letter.status().message());
    }
    ReplayRecord replay{hook, letter->message_id, letter->partition_key, letter->data, letter->time_ms};
    std::string bytes;
    EncodeReplayRecord(replay, &bytes);
    records.push_back(std::move(bytes));
  }
  const uint64_t finished_before = finished_(hook);
  if (Status s = spool_->AppendSync(std::move(records)); !s.ok()) return s;
  // Durable in the spool now; removing them can no longer lose them (at worst they replay twice).
  Result<size_t> removed = store_->RemoveFirst(hook, count);
  if (!removed.ok()) {
    spdlog::error("hook {}: {} dead letters were queued for replay but stay listed: {}", hook, count,
                  removed.status().message());
  }
  auto [it, first] = queued_.try_emplace(hook);
  if (first || it->second.delivered >= it->second.queued) {
    // No replay of this hook in progress: count the new one from the runner's current figure.
    it->second = {};
    finished_base_[hook] = finished_before;
  }
  it->second.queued += count;
  spdlog::info("hook {}: {} dead letters queued for replay", hook, count);
  return count;
}

config::ReplayProgress DeadLetterReplay::Progress(std::string_view hook_id) {
  std::lock_guard lock(mutex_);
  auto it = queued_.find(hook_id);
  if (it == queued_.end()) return {};
  const uint64_t finished = finished_(hook_id);
  const uint64_t base = finished_base_[std::string(hook_id)];
  it->second.delivered = std::min(it->second.queued, finished > base ? finished - base : 0);
  return it->second;
}

Result<size_t> DeadLetterReplay::Purge(std::string_view hook_id, size_t up_to) {
  std::lock_guard lock(mutex_);
  Result<size_t> removed = store_->RemoveFirst(std::string(hook_id), up_to);
  if (removed.ok() && *removed > 0) spdlog::info("hook {}: {} dead letters purged", hook_id, *removed);
  return removed;
}

}  // namespace streamhook::delivery
