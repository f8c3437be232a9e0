// HookProducer: turns one hook's records into PutRecords calls on its stream, each call carrying the
// ready records of many shards.
//
// Design (after the KPL's aggregator, limiter, shard map and retrier, with adaptive rates):
//  - Records wait in a queue per partition key, in accepted order (send_batch.h). A key whose next
//    record may go is "ready" in the queue of the shard it will land on, predicted from the
//    stream's ShardMap (ListShards, refreshed every minute and whenever a result shows a shard
//    we did not predict; shard_map_refresher.h). Until the map is loaded, every key uses one
//    "unknown" queue.
//  - A collector sends for the whole hook: when the ready records of all shards fill a batch
//    (records or bytes), the oldest ready key waited lingerMs, or on FlushAll, it builds ONE
//    PutRecords from many shards' ready lists (round robin), each shard giving what its
//    ShardLimiter allows now (token buckets for records/s and bytes/s that halve on
//    ProvisionedThroughputExceeded and recover gradually), so a hot key slows only its own
//    shard while calls stay full. Up to `lanes` calls are in flight per hook. A batch cut short by
//    the limiters leaves the rest to wait lingerMs, so a backlog does not turn into a stream of
//    one-record calls as tokens trickle in. The answer is accounted record by record: each
//    record's success or throttle goes to the limiter of the shard it was taken from.
//  - Per-key order: a key has at most one Kinesis record in flight and is not ready again until
//    that record is acknowledged (failed records go back to the front of their key), so a key's
//    records reach Kinesis in accepted order, also across retries. The price, one record per key
//    per round trip, is what aggregation pays back: with `aggregation.enabled`, consecutive
//    records of a shard's ready keys (a run of each key) are packed into one KPL aggregated
//    record that carries the first user record's partition key and so lands on their shard,
//    where they are stored atomically, in order. A stream with the AUTO record distribution
//    (Kinesis places records itself, ignoring keys) gets neither prediction nor aggregation, and
//    a hook that aggregates sends nothing until DescribeStreamSummary has said which it is.
//  - Only the failed records of a PutRecords are sent again. Throttling, 5xx and transport errors
//    are retried with exponential backoff and jitter, without limit; stream-level permanent errors
//    (no such stream, access denied) hold the records and retry slowly, reporting the error in the
//    metrics. With `record_ttl_ms`, a record older than that when it would be retried is
//    dead-lettered with reason "ttl expired".
//
// Every record ends delivered or dead-lettered (durably), and then `done(lsn)` is called exactly
// once: that is when the hook's cursor may pass it.
//
// All methods run on the strand given at construction.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "aws/kinesis_client.h"
#include "config/model.h"
#include "producer/backoff.h"
#include "producer/dead_letter_store.h"
#include "producer/producer_metrics.h"
#include "producer/send_batch.h"
#include "producer/shard_limiter.h"
#include "producer/shard_map_refresher.h"
#include "spool/spool_types.h"

namespace streamhook::producer {

// config::Hook::aggregation: whether to pack KPL records, and the largest one (data + key).
using AggregationOptions = config::AggregationSettings;

struct HookProducerOptions {
  std::string hook_id;
  std::string stream;
  config::BatchSettings batch;
  aws::StreamLimits limits;
  int lanes = 8;  // PutRecords calls in flight per hook (all shards together)
  BackoffPolicy retry_backoff{std::chrono::milliseconds(100), std::chrono::milliseconds(10000)};
  BackoffPolicy stream_error_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(30000)};

  AggregationOptions aggregation;  // config::Hook::aggregation
  int64_t record_ttl_ms = 0;       // config::Hook::record_ttl_ms; 0: retried for ever
  ShardRateSettings shard_rate;    // config::Hook::shard_rate: the per-shard cap
  // Unused since calls carry many shards (`lanes` caps the hook's calls); kept for callers.
  int requests_per_shard = 2;
  // Off only for comparison: then a key's records may be in flight together (and reordered).
  bool preserve_key_order = true;
  // Off: every record goes through the "unknown" queue (no shard map, no per-shard limits).
  bool shard_aware = true;
  ShardMapRefresher::Options shard_map;
  // The limiters' adaptation; `cap` is taken from shard_rate, and on_demand is also set for
  // streams whose DescribeStreamSummary says ON_DEMAND (and for the unknown queue).
  ShardLimiterSettings limiter;
};

class HookProducer {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  // The client to send with now (rebuilt when the connector changes); null when there is none.
  using ClientSource = std::function<std::shared_ptr<aws::KinesisClient>()>;
  using DoneCallback = std::function<void(spool::Lsn lsn)>;

  HookProducer(Strand strand, HookProducerOptions options, ClientSource clients,
               DeadLetterStore* dead_letters, DoneCallback done, ProducerMetrics* metrics);
  ~HookProducer();
  HookProducer(const HookProducer&) = delete;
  HookProducer& operator=(const HookProducer&) = delete;

  // Queues a record behind the earlier ones of its key. A record over the stream's limits goes
  // to the dead letters.
  void Add(OutgoingRecord record);
  // Sends a record straight to the dead letters with the reason (e.g. no usable partition key).
  void DeadLetter(OutgoingRecord record, const std::string& reason);
  // While paused nothing is sent (calls in flight finish); queued records wait.
  void SetPaused(bool paused);
  // A new stream, batch settings or limits apply to the next batches.
  void Update(const std::string& stream, const config::BatchSettings& batch, const aws::StreamLimits& limits);
  // New aggregation, TTL and per-shard cap (from config::Hook) for the next batches; shard
  // limiters keep their adapted share of the new cap.
  void SetDeliveryOptions(const AggregationOptions& aggregation, int64_t record_ttl_ms,
                          const ShardRateSettings& rate);
  // Sends every shard's ready records now, without waiting for lingerMs (used when draining).
  void FlushAll();

  // Records added and not yet done.
  size_t pending() const { return pending_; }
  // Completed shard map loads (for tests and figures).
  uint64_t shard_map_loads() const { return refresher_.loads(); }
  size_t predicted_shards() const { return refresher_.map().shard_count(); }
  // The records/s a shard's limiter allows now (INT64_MAX: unlimited); -1 for a shard without a
  // queue. For tests and figures.
  int64_t shard_rate(const std::string& shard_id);

 private:
  struct ShardQueue;
  struct Call;
  using Clock = std::chrono::steady_clock;

  // Queueing (hook_producer.cc).
  bool CanBeReady(const KeyQueue& key) const;
  // Puts the key in its shard's ready list. `waited`: its records already waited a round trip
  // (acknowledged or retried key), so they need not linger again. `send`: try sending at once
  // (off while many keys are made ready together, so they share a batch; MaybeSend follows).
  void MakeReady(KeyQueue& key, bool front, bool waited = false, bool send = true);
  // A ready key gained a record of `size` wire bytes: its shard's and the hook's counts follow.
  void CountReadyRecord(const KeyQueue& key, int64_t size);
  void Repredict();
  // Acknowledged (delivered: done is called) or given up: frees their keys for the next records.
  void Settle(const std::vector<BatchEntry>& entries, bool delivered);
  ShardQueue& QueueFor(const std::string& shard_id);
  void Finish(const OutgoingRecord& record);
  void DeadLetterAll(std::vector<OutgoingRecord> records, const std::string& reason);

  // The collector (hook_producer_collect.cc).
  struct Collected;
  // Sends calls while one is due and a slot is free; otherwise arms the timer for when one is.
  void MaybeSend();
  // One call's entries from the ready lists of many shards, within the limiters and `limits`.
  Collected Collect(const BatchLimits& limits, Clock::time_point now);
  void ArmTimer(Clock::time_point at);
  BatchLimits LimitsFor(const ShardQueue& shard) const;
  BatchLimits CallLimits() const;
  // Aggregation is on for the hook and the stream places records by key.
  bool Aggregates() const;
  // The hook aggregates but the stream's record placement is not known yet: hold the records.
  bool AwaitingPlacement() const;

  // Sending and results (hook_producer_send.cc).
  void Send(std::vector<BatchEntry> entries, std::vector<std::string> shards);
  void OnResult(std::shared_ptr<Call> call, aws::AwsResult<aws::PutRecordsOutput> result);
  void RetryLater(std::vector<BatchEntry> failed, std::chrono::milliseconds delay);
  void Requeue(std::vector<BatchEntry> failed);
  // Slows the limiter of `shard_id` (or, for the unknown queue, of the shard the message names).
  void OnThrottled(const std::string& shard_id, const std::string& message);

  Strand strand_;
  HookProducerOptions options_;
  ClientSource clients_;
  DeadLetterStore* dead_letters_;
  DoneCallback done_;
  ProducerMetrics* metrics_;
  ShardMapRefresher refresher_;
  std::unordered_map<std::string, KeyQueue> keys_;
  std::map<std::string, std::unique_ptr<ShardQueue>> shards_;  // "" is the unknown queue
  std::mt19937_64 rng_{std::random_device{}()};
  size_t pending_ = 0;
  // What all ready lists hold, for the collector's "batch full" test.
  size_t ready_keys_ = 0;
  ReadyCounts ready_;
  Clock::time_point oldest_;         // when the ready lists last became non-empty (or were last cut short)
  Clock::time_point hold_until_;     // a batch was cut short by the limiters: "full" waits till then
  Clock::time_point blocked_until_;  // no ready shard had a token: the collector waits till then
  int in_flight_ = 0;                // PutRecords calls
  std::string cursor_;               // the shard the last batch ended on (round robin)
  boost::asio::steady_timer timer_;  // linger or token wait
  Clock::time_point timer_at_ = Clock::time_point::max();
  bool paused_ = false;
  bool flushing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // callbacks check it after destruction
};

}  // namespace streamhook::producer
