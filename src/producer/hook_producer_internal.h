// HookProducer's per-shard queue, collected batch and in-flight call, shared by hook_producer.cc,
// hook_producer_collect.cc and hook_producer_send.cc only.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "producer/hook_producer.h"

namespace streamhook::producer {

struct HookProducer::ShardQueue {
  ShardQueue(std::string id, const ShardLimiterSettings& settings)
      : shard_id(std::move(id)), limiter(settings, Clock::now()) {}

  std::string shard_id;         // "" for the unknown queue
  std::deque<KeyQueue*> ready;  // keys whose next record may go, oldest turn first
  ReadyCounts counts;           // records and bytes queued behind `ready`
  ShardLimiter limiter;
};

struct HookProducer::Collected {
  std::vector<BatchEntry> entries;
  std::vector<std::string> shards;                // the queue each entry was taken from
  bool full = false;                              // stopped by the batch's records or bytes
  bool limited = false;                           // a shard kept ready records for want of tokens
  Clock::duration wait = Clock::duration::max();  // until the first skipped shard has a token
};

struct HookProducer::Call {
  std::vector<BatchEntry> entries;
  std::vector<std::string> shards;  // the queue each entry was taken from ("" unknown)
  Clock::time_point sent;
};

}  // namespace streamhook::producer
