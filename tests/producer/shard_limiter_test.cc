// ShardLimiter with a made-up clock: the buckets' rates, the decrease on throttling, the gradual
// recovery back to the cap, and on-demand streams.
#include "producer/shard_limiter.h"

#include <gtest/gtest.h>

#include <limits>

namespace streamhook::producer {
namespace {

using Clock = ShardLimiter::Clock;
using std::chrono::milliseconds;
constexpr int64_t kUnlimited = std::numeric_limits<int64_t>::max();

TEST(ShardLimiter, StartsWithOneSecondOfTokensAndRefillsAtTheCap) {
  const Clock::time_point t0{};
  ShardLimiter limiter({{1000, 1 << 20}}, t0);
  EXPECT_EQ(limiter.Available(t0).records, 1000);
  EXPECT_EQ(limiter.Available(t0).bytes, 1 << 20);
  limiter.Consume(1000, 100000, t0);
  EXPECT_EQ(limiter.Available(t0).records, 0);
  EXPECT_EQ(limiter.Available(t0 + milliseconds(100)).records, 100);
  const std::chrono::duration<double, std::milli> wait = limiter.TimeUntil(200, 1, t0 + milliseconds(100));
  EXPECT_NEAR(wait.count(), 100.0, 0.01);
  EXPECT_EQ(limiter.Available(t0 + milliseconds(5000)).records, 1000) << "never more than a second's worth";
}

TEST(ShardLimiter, BytesLimitIndependently) {
  const Clock::time_point t0{};
  ShardLimiter limiter({{1000, 10000}}, t0);
  limiter.Consume(1, 10000, t0);
  EXPECT_EQ(limiter.Available(t0).records, 999);
  EXPECT_EQ(limiter.Available(t0).bytes, 0);
  EXPECT_EQ(limiter.TimeUntil(1, 5000, t0), milliseconds(500));
  // A request larger than the bucket waits for a full bucket, not for ever.
  EXPECT_EQ(limiter.TimeUntil(1, 50000, t0), milliseconds(1000));
}

TEST(ShardLimiter, ThrottlingHalvesTheRateOncePerBurstAndRecoversGradually) {
  const Clock::time_point t0{};
  ShardLimiterSettings settings;
  settings.cap = {1000, 1 << 20};
  ShardLimiter limiter(settings, t0);
  limiter.OnThrottled(t0);
  EXPECT_EQ(limiter.records_per_second(t0), 500);
  limiter.OnThrottled(t0 + milliseconds(50));  // same answer burst
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(50)), 500);
  limiter.OnThrottled(t0 + milliseconds(300));
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(300)), 250);
  EXPECT_EQ(limiter.throttles(), 3);
  // Held for a second after the last throttle, then +5% of the cap per second.
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(1300)), 250);
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(3300)), 350);
  EXPECT_EQ(limiter.bytes_per_second(t0 + milliseconds(3300)), static_cast<int64_t>((1 << 20) * 0.35));
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(30000)), 1000) << "back to the cap, not beyond";
}

TEST(ShardLimiter, SteadyThrottlingKeepsDecreasing) {
  const Clock::time_point t0{};
  ShardLimiter limiter({{1000, 1 << 20}}, t0);
  // An answer every 100 ms: one decrease per 200 ms, not one in all.
  for (int i = 0; i <= 8; ++i) limiter.OnThrottled(t0 + milliseconds(100 * i));
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(800)), 1000 / 32);
}

TEST(ShardLimiter, TheRateNeverFallsBelowTheFloor) {
  const Clock::time_point t0{};
  ShardLimiter limiter({{1000, 1 << 20}}, t0);
  for (int i = 0; i < 50; ++i) limiter.OnThrottled(t0 + milliseconds(250 * i));
  EXPECT_EQ(limiter.records_per_second(t0 + milliseconds(250 * 49)), 20);
}

TEST(ShardLimiter, OnDemandIsUnlimitedUntilThrottledThenAdapts) {
  const Clock::time_point t0{};
  ShardLimiterSettings settings;
  settings.on_demand = true;
  ShardLimiter limiter(settings, t0);
  EXPECT_EQ(limiter.Available(t0).records, kUnlimited);
  EXPECT_EQ(limiter.TimeUntil(100000, 1 << 30, t0), Clock::duration::zero());
  // 4000 records/s for a second and a half, then a throttle.
  for (int i = 0; i < 15; ++i) limiter.Consume(400, 40000, t0 + milliseconds(100 * i));
  const auto t1 = t0 + milliseconds(1500);
  limiter.OnThrottled(t1);
  const int64_t rate = limiter.records_per_second(t1);
  EXPECT_GE(rate, 1500);
  EXPECT_LE(rate, 2100) << "about half of what was sent lately";
  EXPECT_EQ(limiter.Available(t1).records, 0);
  // Recovery passes the refused level, then the budget is lifted again.
  EXPECT_GT(limiter.records_per_second(t1 + milliseconds(5000)), rate);
  EXPECT_EQ(limiter.records_per_second(t1 + milliseconds(40000)), kUnlimited);
}

}  // namespace
}  // namespace streamhook::producer
