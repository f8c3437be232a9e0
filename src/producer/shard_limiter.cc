#include "producer/shard_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace streamhook::producer {
namespace {

constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

double Seconds(ShardLimiter::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

int64_t Whole(double tokens) {
  return tokens >= static_cast<double>(kUnlimited) ? kUnlimited : static_cast<int64_t>(std::floor(tokens));
}

}  // namespace

ShardLimiter::ShardLimiter(ShardLimiterSettings settings, Clock::time_point now)
    : settings_(settings),
      limited_(!settings.on_demand),
      base_records_(static_cast<double>(std::max<int64_t>(1, settings.cap.records_per_second))),
      base_bytes_(static_cast<double>(std::max<int64_t>(1, settings.cap.bytes_per_second))),
      record_tokens_(base_records_),
      byte_tokens_(base_bytes_),
      last_(now),
      window_start_(now) {}

double ShardLimiter::RecordRate() const {
  return std::max(1.0, base_records_ * share_);
}
double ShardLimiter::ByteRate() const {
  return std::max(1.0, base_bytes_ * share_);
}

void ShardLimiter::Advance(Clock::time_point now) {
  if (now <= last_) return;
  const double dt = Seconds(now - last_);
  last_ = now;
  while (now - window_start_ >= std::chrono::seconds(1)) {
    // A gap of several seconds leaves an empty previous window, as it should.
    const bool adjacent = now - window_start_ < std::chrono::seconds(2);
    prev_window_records_ = adjacent ? window_records_ : 0;
    prev_window_bytes_ = adjacent ? window_bytes_ : 0;
    window_records_ = window_bytes_ = 0;
    window_start_ = adjacent ? window_start_ + std::chrono::seconds(1) : now;
  }
  if (!limited_) return;
  // Additive recovery, only once the shard has gone quiet about throttling for a while.
  if (throttled_once_ && now - last_throttle_ > settings_.recovery_hold) {
    const double held = Seconds(now - last_throttle_ - settings_.recovery_hold);
    share_ += settings_.recovery_per_second * std::min(dt, held);
    if (settings_.on_demand && share_ >= 2.0) {
      limited_ = false;  // comfortably past the level that throttled: no budget again
      share_ = 1.0;
      return;
    }
    if (!settings_.on_demand) share_ = std::min(share_, 1.0);
  }
  // Tokens refill at the current rate, up to one second's worth.
  record_tokens_ = std::min(RecordRate(), record_tokens_ + RecordRate() * dt);
  byte_tokens_ = std::min(ByteRate(), byte_tokens_ + ByteRate() * dt);
}

ShardLimiter::Budget ShardLimiter::Available(Clock::time_point now) {
  Advance(now);
  if (!limited_) return {kUnlimited, kUnlimited};
  return {std::max<int64_t>(0, Whole(record_tokens_)), std::max<int64_t>(0, Whole(byte_tokens_))};
}

void ShardLimiter::Consume(int64_t records, int64_t bytes, Clock::time_point now) {
  Advance(now);
  window_records_ += static_cast<double>(records);
  window_bytes_ += static_cast<double>(bytes);
  if (!limited_) return;
  record_tokens_ -= static_cast<double>(records);
  byte_tokens_ -= static_cast<double>(bytes);
}

ShardLimiter::Clock::duration ShardLimiter::TimeUntil(int64_t records, int64_t bytes, Clock::time_point now) {
  Advance(now);
  if (!limited_) return Clock::duration::zero();
  const double want_records = std::min(static_cast<double>(records), RecordRate());
  const double want_bytes = std::min(static_cast<double>(bytes), ByteRate());
  const double wait = std::max(
      {0.0, (want_records - record_tokens_) / RecordRate(), (want_bytes - byte_tokens_) / ByteRate()});
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
}

void ShardLimiter::OnThrottled(Clock::time_point now) {
  Advance(now);
  ++throttles_;
  const bool same_burst = throttled_once_ && now - last_decrease_ < settings_.decrease_interval;
  throttled_once_ = true;
  last_throttle_ = now;    // recovery waits for quiet either way
  if (same_burst) return;  // one decrease per answer burst
  last_decrease_ = now;
  if (!limited_) {
    // On demand: the level the shard just refused is what we sent lately.
    const double span = 1.0 + std::min(1.0, Seconds(now - window_start_));
    base_records_ = std::max(1.0, (prev_window_records_ + window_records_) / span);
    base_bytes_ = std::max(1.0, (prev_window_bytes_ + window_bytes_) / span);
    limited_ = true;
    share_ = settings_.decrease;
    record_tokens_ = 0;
    byte_tokens_ = 0;
    return;
  }
  share_ = std::max(settings_.floor_share, share_ * settings_.decrease);
  record_tokens_ = std::min(record_tokens_, RecordRate());
  byte_tokens_ = std::min(byte_tokens_, ByteRate());
}

int64_t ShardLimiter::records_per_second(Clock::time_point now) {
  Advance(now);
  return limited_ ? static_cast<int64_t>(RecordRate()) : kUnlimited;
}

int64_t ShardLimiter::bytes_per_second(Clock::time_point now) {
  Advance(now);
  return limited_ ? static_cast<int64_t>(ByteRate()) : kUnlimited;
}

void ShardLimiter::SetCap(ShardRateSettings cap) {
  settings_.cap = cap;
  if (settings_.on_demand) return;  // the base is the measured level, not a cap
  base_records_ = static_cast<double>(std::max<int64_t>(1, cap.records_per_second));
  base_bytes_ = static_cast<double>(std::max<int64_t>(1, cap.bytes_per_second));
}

}  // namespace streamhook::producer
