// HookProducer: sending a collected batch (records of many shards), and what its answer does to the
// records, the keys, each shard's limiter and the shard map.
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <map>
#include <set>

#include "common/time_format.h"
#include "producer/hook_producer.h"
#include "producer/hook_producer_internal.h"

namespace streamhook::producer {
namespace asio = boost::asio;
namespace {

constexpr std::string_view kThrottled = "ProvisionedThroughputExceededException";

// The shard named in a throttling message ("Rate exceeded for shard shardId-000000000001 in
// stream ..."); "" when there is none.
std::string ShardInMessage(std::string_view message) {
  const auto at = message.find("shardId-");
  if (at == std::string_view::npos) return "";
  auto end = message.find_first_of(" .,", at);
  return std::string(message.substr(at, end == std::string_view::npos ? end : end - at));
}

}  // namespace

void HookProducer::Send(std::vector<BatchEntry> entries, std::vector<std::string> shards) {
  auto call = std::make_shared<Call>();
  call->entries = std::move(entries);
  call->shards = std::move(shards);
  auto client = clients_();
  if (!client) {
    metrics_->SetError("no Kinesis connector configured");
    return RetryLater(std::move(call->entries), options_.stream_error_backoff.Delay(0, rng_));
  }
  std::vector<aws::PutRecordsEntry> request;
  request.reserve(call->entries.size());
  uint64_t users = 0, bytes = 0, aggregated = 0;
  for (auto& entry : call->entries) {
    for (auto& r : entry.records) {
      if (r.attempts++ > 0) ++metrics_->records_retried;
    }
    users += entry.records.size();
    bytes += static_cast<uint64_t>(entry.wire_bytes());
    if (!entry.aggregated.empty()) ++aggregated;
    request.push_back({entry.data(), entry.partition_key(), ""});
  }
  ++in_flight_;
  ++metrics_->put_records_calls;
  metrics_->records_sent += users;
  metrics_->kinesis_records_sent += request.size();
  metrics_->aggregated_records_sent += aggregated;
  metrics_->bytes_sent += bytes;
  call->sent = Clock::now();
  client->PutRecords(options_.stream, request, options_.limits,
                     [this, alive = std::weak_ptr<bool>(alive_), call, client,
                      strand = strand_](aws::AwsResult<aws::PutRecordsOutput> result) mutable {
                       asio::post(strand, [this, alive, call, result = std::move(result)]() mutable {
                         if (alive.expired()) return;
                         OnResult(call, std::move(result));
                       });
                     });
}

void HookProducer::OnResult(std::shared_ptr<Call> call, aws::AwsResult<aws::PutRecordsOutput> result) {
  metrics_->put_records_latency.Observe(
      std::chrono::duration<double, std::milli>(Clock::now() - call->sent).count());
  --in_flight_;
  const int attempts = call->entries.front().records.front().attempts;
  if (!result.ok()) {
    const aws::AwsError& error = result.error();
    ++metrics_->put_records_errors;
    if (metrics_->error().empty()) {  // one line when a hook starts failing, not one per retry
      spdlog::warn("hook {}: PutRecords to stream {} failed, retrying: {}", options_.hook_id, options_.stream,
                   error.ToString());
    }
    metrics_->SetError(error.ToString());
    if (error.kind == aws::AwsError::Kind::kClient) {
      // Checked record by record before sending, so this is a limit we did not foresee: these
      // records can never succeed as they are.
      Settle(call->entries, false);
      std::vector<OutgoingRecord> records;
      for (auto& entry : call->entries) {
        for (auto& r : entry.records) records.push_back(std::move(r));
      }
      DeadLetterAll(std::move(records), error.ToString());
    } else {
      if (error.type == kThrottled) {
        // The whole call refused: the shard it names, else every shard it carried.
        ++metrics_->shard_throttles;
        const std::string named = ShardInMessage(error.message);
        if (shards_.contains(named)) {
          OnThrottled(named, error.message);
        } else {
          std::set<std::string> carried(call->shards.begin(), call->shards.end());
          for (const auto& id : carried) OnThrottled(id, error.message);
        }
      }
      if (!error.retryable) refresher_.RequestRefresh();  // the stream may have been recreated
      RetryLater(std::move(call->entries), error.retryable
                                               ? options_.retry_backoff.Delay(attempts - 1, rng_)
                                               : options_.stream_error_backoff.Delay(attempts - 1, rng_));
    }
  } else {
    if (!metrics_->error().empty()) {
      spdlog::info("hook {}: delivering to stream {} again", options_.hook_id, options_.stream);
      metrics_->SetError("");
    }
    std::vector<BatchEntry> delivered, failed;
    bool mispredicted = false;
    // Each throttled record slows the shard it was taken for, once per answer.
    std::map<std::string, std::string> throttled;
    for (size_t i = 0; i < call->entries.size(); ++i) {
      const aws::PutRecordsResultEntry& answer = result->records[i];
      const std::string& shard_id = call->shards[i];
      if (answer.ok()) {
        // A shard we did not predict: the map is stale (a reshard) or was not loaded yet.
        if ((!shard_id.empty() && answer.shard_id != shard_id) ||
            (refresher_.map().loaded() && !refresher_.map().Contains(answer.shard_id))) {
          mispredicted = true;
        }
        delivered.push_back(std::move(call->entries[i]));
      } else {
        metrics_->records_failed += call->entries[i].records.size();
        if (answer.error_code == kThrottled) {
          // From the unknown queue: the shard the message names, when we know it.
          const std::string named = shard_id.empty() ? ShardInMessage(answer.error_message) : "";
          throttled.try_emplace(shards_.contains(named) ? named : shard_id, answer.error_message);
        }
        failed.push_back(std::move(call->entries[i]));
      }
    }
    if (!throttled.empty()) ++metrics_->shard_throttles;
    for (const auto& [id, message] : throttled) OnThrottled(id, message);
    if (mispredicted) {
      ++metrics_->shard_mispredictions;
      refresher_.RequestRefresh();
    }
    Settle(delivered, true);
    if (!failed.empty()) {
      RetryLater(std::move(failed), options_.retry_backoff.Delay(attempts - 1, rng_));
    }
  }
  MaybeSend();  // the call's slot is free
}

void HookProducer::OnThrottled(const std::string& shard_id, const std::string& message) {
  std::string id = shard_id;
  if (id.empty()) {
    // From the unknown queue: slow the shard named in the message if we know it, else the queue.
    const std::string named = ShardInMessage(message);
    if (shards_.contains(named)) id = named;
  }
  auto it = shards_.find(id);
  if (it != shards_.end()) it->second->limiter.OnThrottled(Clock::now());
}

void HookProducer::RetryLater(std::vector<BatchEntry> failed, std::chrono::milliseconds delay) {
  if (options_.record_ttl_ms > 0) {
    // Too old to be worth sending again: the dead letters keep it, and its key moves on.
    const int64_t now_ms = NowMillis();
    std::vector<BatchEntry> expired(1);
    for (auto& entry : failed) {
      std::vector<OutgoingRecord> keep;
      for (auto& r : entry.records) {
        if (now_ms - r.received_at_ms > options_.record_ttl_ms) {
          expired.front().records.push_back(std::move(r));
        } else {
          keep.push_back(std::move(r));
        }
      }
      entry.records = std::move(keep);
    }
    std::erase_if(failed, [](const BatchEntry& e) { return e.records.empty(); });
    if (!expired.front().records.empty()) {
      metrics_->records_ttl_expired += expired.front().records.size();
      Settle(expired, false);
      DeadLetterAll(std::move(expired.front().records), "ttl expired");
    }
    if (failed.empty()) return;
  }
  // The records stay in flight (their keys held) until the backoff is over.
  auto timer = std::make_shared<asio::steady_timer>(strand_, delay);
  timer->async_wait([this, alive = std::weak_ptr<bool>(alive_), timer,
                     failed = std::move(failed)](const boost::system::error_code&) mutable {
    if (alive.expired()) return;
    Requeue(std::move(failed));
  });
}

void HookProducer::Requeue(std::vector<BatchEntry> failed) {
  // Back to the front of their keys, newest first so that the oldest ends up in front.
  std::vector<KeyQueue*> touched;
  for (auto entry = failed.rbegin(); entry != failed.rend(); ++entry) {
    for (auto r = entry->records.rbegin(); r != entry->records.rend(); ++r) {
      KeyQueue& key = keys_[r->partition_key];  // kept while it has records in flight
      if (key.key.empty()) key.key = r->partition_key;
      const int64_t size = WireSize(*r);
      if (key.in_flight > 0) --key.in_flight;
      key.bytes += size;
      if (key.ready) CountReadyRecord(key, size);
      key.records.push_front(std::move(*r));
      if (touched.empty() || touched.back() != &key) touched.push_back(&key);
    }
  }
  // Retried keys go first in their shard: they have waited longest.
  for (auto it = touched.rbegin(); it != touched.rend(); ++it) {
    if (CanBeReady(**it)) MakeReady(**it, true, true, false);
  }
  MaybeSend();
}

}  // namespace streamhook::producer
