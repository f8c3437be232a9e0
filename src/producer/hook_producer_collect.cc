// HookProducer's collector: when a call is due, one PutRecords from the ready records of many
// shards, each giving what its limiter allows now.
#include <algorithm>

#include "producer/hook_producer.h"
#include "producer/hook_producer_internal.h"

namespace streamhook::producer {

BatchLimits HookProducer::CallLimits() const {
  BatchLimits limits;
  limits.max_entries = static_cast<size_t>(std::clamp<int64_t>(
      options_.batch.max_records, 1, static_cast<int64_t>(aws::kMaxRecordsPerPutRecords)));
  limits.max_bytes = std::min(options_.batch.max_bytes, options_.limits.max_request_bytes);
  limits.preserve_key_order = options_.preserve_key_order;
  if (Aggregates()) {
    limits.aggregate_max_bytes = std::min(options_.aggregation.max_bytes, options_.limits.max_record_bytes);
  }
  return limits;
}

BatchLimits HookProducer::LimitsFor(const ShardQueue& queue) const {
  BatchLimits limits = CallLimits();
  // Keys share a packed record only when they are known to share its shard.
  limits.aggregate_across_keys = limits.aggregate_max_bytes > 0 && !queue.shard_id.empty();
  return limits;
}

bool HookProducer::Aggregates() const {
  if (!options_.aggregation.enabled) return false;
  return !options_.shard_aware || refresher_.placement() == KeyPlacement::kByKey;
}

bool HookProducer::AwaitingPlacement() const {
  return options_.aggregation.enabled && options_.shard_aware && !refresher_.placement_settled();
}

void HookProducer::MaybeSend() {
  const int max_calls = std::max(1, options_.lanes);
  const auto linger = std::chrono::milliseconds(options_.batch.linger_ms);
  // The refresher's first answer calls Repredict, which sends.
  if (AwaitingPlacement()) return;
  while (!paused_ && ready_keys_ > 0 && in_flight_ < max_calls) {
    const auto now = Clock::now();
    // Every shard with ready keys lacked tokens: no use looking again before the first has one.
    if (now < blocked_until_) return ArmTimer(blocked_until_);
    const BatchLimits limits = CallLimits();
    // Judged by what is queued; after a batch the limiters cut short, only lingerMs or a flush
    // sends again, so tokens are spent in batches rather than one record per call.
    const bool full =
        now >= hold_until_ && (ready_keys_ >= limits.max_entries || ready_.bytes >= limits.max_bytes ||
                               (!limits.preserve_key_order && limits.aggregate_max_bytes == 0 &&
                                ready_.records >= limits.max_entries));
    // During a hold nothing goes, not even keys that already waited a round trip (their oldest_
    // is set back by lingerMs): answers would otherwise each send the few tokens refilled since,
    // the tiny-call stream the hold exists to prevent (4.4 records per call at 4 shards).
    const auto due = now < hold_until_ ? hold_until_ : oldest_ + linger;
    if (!full && !flushing_ && now < due) return ArmTimer(due);
    Collected batch = Collect(limits, now);
    if (batch.entries.empty()) {
      // Every shard with ready keys waits for its token buckets.
      if (batch.wait == Clock::duration::max()) return;             // cannot happen with ready keys
      if (now + batch.wait < timer_at_) ++metrics_->limiter_waits;  // a new wait, not the same one again
      blocked_until_ = now + batch.wait;
      return ArmTimer(blocked_until_);
    }
    if (!batch.full && ready_keys_ > 0) {
      oldest_ = now;  // what the limiters left waits another lingerMs
      if (batch.limited) hold_until_ = now + linger;
    }
    Send(std::move(batch.entries), std::move(batch.shards));
  }
}

HookProducer::Collected HookProducer::Collect(const BatchLimits& limits, Clock::time_point now) {
  Collected out;
  size_t room_entries = limits.max_entries;
  int64_t room_bytes = limits.max_bytes;
  // Round robin from the shard after the one the last batch ended on, so none is always last.
  std::vector<ShardQueue*> order;
  order.reserve(shards_.size());
  const auto start = shards_.upper_bound(cursor_);
  for (auto it = start; it != shards_.end(); ++it) order.push_back(it->second.get());
  for (auto it = shards_.begin(); it != start; ++it) order.push_back(it->second.get());
  for (ShardQueue* queue : order) {
    if (queue->ready.empty()) continue;
    if (room_entries == 0 || room_bytes <= 0) {
      out.full = true;
      break;
    }
    const int64_t head = WireSize(queue->ready.front()->records.front());
    if (!out.entries.empty() && head > room_bytes) {
      out.full = true;  // a shard with a smaller head may still fit
      continue;
    }
    const auto wait = queue->limiter.TimeUntil(1, head, now);
    if (wait > Clock::duration::zero()) {
      out.limited = true;
      out.wait = std::min(out.wait, wait);
      continue;
    }
    const auto budget = queue->limiter.Available(now);
    BatchLimits shard_limits = LimitsFor(*queue);
    shard_limits.max_entries = static_cast<size_t>(
        std::min<int64_t>(static_cast<int64_t>(room_entries), std::max<int64_t>(1, budget.records)));
    shard_limits.max_bytes = std::min(room_bytes, std::max(budget.bytes, head));
    // TakeBatch lets its first entry exceed max_bytes; in a call already holding entries, a
    // packed record must fit the room left.
    if (!out.entries.empty() && shard_limits.aggregate_max_bytes > 0) {
      shard_limits.aggregate_max_bytes = std::min(shard_limits.aggregate_max_bytes, room_bytes);
    }
    const size_t keys_before = queue->ready.size();
    const ReadyCounts before = queue->counts;
    std::vector<BatchEntry> taken = TakeBatch(queue->ready, queue->counts, shard_limits);
    ready_keys_ -= keys_before - queue->ready.size();
    ready_.records -= before.records - queue->counts.records;
    ready_.bytes -= before.bytes - queue->counts.bytes;
    int64_t bytes = 0;
    for (auto& entry : taken) {
      bytes += entry.wire_bytes();
      out.entries.push_back(std::move(entry));
      out.shards.push_back(queue->shard_id);
    }
    queue->limiter.Consume(static_cast<int64_t>(taken.size()), bytes, now);
    room_entries -= std::min(room_entries, taken.size());
    room_bytes -= bytes;
    cursor_ = queue->shard_id;
    if (!queue->ready.empty()) {
      // Stopped by the call's room, or else by the shard's budget.
      const int64_t next = WireSize(queue->ready.front()->records.front());
      if (room_entries == 0 || next > room_bytes) {
        out.full = true;
      } else {
        out.limited = true;
      }
    }
  }
  if (room_entries == 0 || room_bytes <= 0) out.full = true;
  return out;
}

void HookProducer::ArmTimer(Clock::time_point at) {
  if (at >= timer_at_) return;  // already due earlier
  timer_at_ = at;
  timer_.expires_at(at);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (alive.expired() || ec) return;
    timer_at_ = Clock::time_point::max();
    MaybeSend();
  });
}

}  // namespace streamhook::producer
