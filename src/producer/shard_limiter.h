// ShardLimiter: one shard's send budget, two token buckets (records/s and bytes/s) that adapt to
// what the shard actually takes.
//
// Kinesis gives a provisioned shard 1,000 records/s and 1 MiB/s. Sending faster only earns
// ProvisionedThroughputExceeded, so the buckets hold a producer at the shard's rate, and a hot key
// waits on its own shard's bucket without slowing the others. Other writers may share the shard,
// so the rate adapts: each throttle answer multiplies it by `decrease` (at most once per
// `decrease_interval`, one answer's worth), and after `recovery_hold` without throttling it grows
// back by `recovery_per_second` of the cap each second, up to the configured cap (AIMD).
//
// On-demand streams have no fixed per-shard budget: the limiter lets everything through until
// the first throttle, then caps at the rate measured in the last second times `decrease`,
// recovering the same way; once the recovered rate passes twice that level it is unlimited again.
//
// Not thread-safe (the producer's strand owns it). Time comes from the caller, so tests can
// drive it with a made-up clock.
#pragma once

#include <chrono>
#include <cstdint>

#include "config/model.h"

namespace streamhook::producer {

// The per-shard cap, as a hook configures it (1,000 records/s and 1 MiB/s by default).
using ShardRateSettings = config::ShardRateSettings;

struct ShardLimiterSettings {
  ShardRateSettings cap;
  bool on_demand = false;
  double decrease = 0.5;              // multiplied into the rate on a throttle
  double floor_share = 0.02;          // the rate never drops below this share of the cap
  double recovery_per_second = 0.05;  // share of the cap regained per clean second
  std::chrono::milliseconds decrease_interval{200};
  std::chrono::milliseconds recovery_hold{1000};
};

class ShardLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // What may be sent now. Unlimited dimensions report INT64_MAX.
  struct Budget {
    int64_t records = 0;
    int64_t bytes = 0;
  };

  ShardLimiter(ShardLimiterSettings settings, Clock::time_point now);

  // Tokens available at `now` (whole records and bytes).
  Budget Available(Clock::time_point now);
  // Takes tokens for what was just sent (may go below zero: a single record larger than the
  // bucket is still sent, and the debt delays what follows).
  void Consume(int64_t records, int64_t bytes, Clock::time_point now);
  // How long until `records` and `bytes` (each clipped to the bucket's size) are available;
  // zero when they are now.
  Clock::duration TimeUntil(int64_t records, int64_t bytes, Clock::time_point now);
  // The shard answered ProvisionedThroughputExceeded for something sent at about `now`.
  void OnThrottled(Clock::time_point now);

  // The current allowed rates; INT64_MAX when unlimited (on-demand, not throttled).
  int64_t records_per_second(Clock::time_point now);
  int64_t bytes_per_second(Clock::time_point now);
  int64_t throttles() const { return throttles_; }
  // A new cap (configuration changed); the adaptive share is kept.
  void SetCap(ShardRateSettings cap);

 private:
  void Advance(Clock::time_point now);
  double RecordRate() const;  // per second, when limited
  double ByteRate() const;

  ShardLimiterSettings settings_;
  bool limited_;
  double base_records_;  // the rate `share_` applies to: the cap, or on-demand the measured level
  double base_bytes_;
  double share_ = 1.0;
  double record_tokens_;
  double byte_tokens_;
  Clock::time_point last_;
  Clock::time_point last_throttle_{};
  Clock::time_point last_decrease_{};
  bool throttled_once_ = false;
  int64_t throttles_ = 0;
  // Sent in the current and previous one-second windows (for the on-demand level).
  Clock::time_point window_start_;
  double window_records_ = 0, window_bytes_ = 0, prev_window_records_ = 0, prev_window_bytes_ = 0;
};

}  // namespace streamhook::producer
