// Counters a hook's producer keeps, read by /metrics and the admin API.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace streamhook::producer {

// A fixed-bucket latency histogram in milliseconds (Prometheus style: cumulative on output).
class LatencyHistogram {
 public:
  // Up to 10 minutes, so that a backlog (an outage, a stuck hook) still shows how old records get.
  static constexpr std::array<double, 15> kBoundsMs = {1,   2,    5,    10,    25,    50,     100,   250,
                                                       500, 1000, 2500, 10000, 30000, 120000, 600000};
  void Observe(double ms);
  // Appends the histogram's lines for metric `name` with `labels` (e.g. `hook="h1"`).
  void AppendPrometheus(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::array<std::atomic<uint64_t>, kBoundsMs.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

struct ProducerMetrics {
  std::atomic<uint64_t> records_delivered{0};
  std::atomic<int64_t> last_delivered_at_ms{0};  // Unix ms of the last acknowledged record; 0 = never
  std::atomic<uint64_t> records_failed{0};       // per-record failures answered by Kinesis (then retried)
  std::atomic<uint64_t> records_retried{0};      // record sends after the first
  std::atomic<uint64_t> records_dead_lettered{0};
  std::atomic<uint64_t> put_records_calls{0};
  std::atomic<uint64_t> put_records_errors{0};       // whole-request failures
  std::atomic<uint64_t> records_sent{0};             // records in PutRecords calls, first tries and retries
  std::atomic<uint64_t> kinesis_records_sent{0};     // Kinesis records sent (an aggregated one counts once)
  std::atomic<uint64_t> aggregated_records_sent{0};  // of those, KPL aggregated records
  std::atomic<uint64_t> bytes_sent{0};               // data + partition key of the Kinesis records sent
  std::atomic<uint64_t> shard_map_loads{0};
  std::atomic<uint64_t> shard_mispredictions{0};  // a record landed on another shard than predicted
  std::atomic<uint64_t> shard_throttles{0};       // PutRecords answers with throttled records
  std::atomic<uint64_t> limiter_waits{0};         // a shard waited for its token buckets
  std::atomic<uint64_t> records_ttl_expired{0};   // dead-lettered because record_ttl_ms passed
  LatencyHistogram put_records_latency;
  LatencyHistogram delivery_latency;  // from receivedAt to Kinesis acknowledgement

  void SetError(std::string error);
  std::string error() const;  // "" when the last call succeeded

 private:
  mutable std::mutex mutex_;
  std::string error_;
};

}  // namespace streamhook::producer
