// HookProducer's per-shard queue and in-flight call, shared by hook_producer.cc and
// hook_producer_send.cc only.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "producer/hook_producer.h"

namespace streamhook::producer {

struct HookProducer::ShardQueue {
  ShardQueue(Strand& strand, std::string id, const ShardLimiterSettings& settings)
      : shard_id(std::move(id)), limiter(settings, Clock::now()), timer(strand) {}

  std::string shard_id;         // "" for the unknown queue
  std::deque<KeyQueue*> ready;  // keys whose next record may go, oldest turn first
  ReadyCounts counts;           // records and bytes queued behind `ready`
  Clock::time_point oldest;     // when `ready` last became non-empty (or was last sent from)
  int in_flight = 0;            // PutRecords calls
  ShardLimiter limiter;
  boost::asio::steady_timer timer;  // linger or token wait
  Clock::time_point timer_at = Clock::time_point::max();
};

struct HookProducer::Call {
  std::string shard_id;  // the queue it was sent from
  std::vector<BatchEntry> entries;
  Clock::time_point sent;
};

}  // namespace streamhook::producer
