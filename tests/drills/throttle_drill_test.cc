// Throttling, two ways, each for kThrottleStorm under load:
// - a storm: Kinesis answers half of the records with ProvisionedThroughputExceededException
//   whatever the rate (the worst case for an adaptive limiter: sending less does not help);
// - shared shards: each shard takes only 50 records/s, as when other writers use the rest of its
//   budget (how Kinesis throttles: by rate). The adaptive limiter should settle near that.
// Either way every throttled record is retried until it lands, nothing acknowledged is lost, and
// one user's records stay in order on the stream. The rates are printed, not asserted.
#include <cstdio>
#include <map>
#include <string>
#include <thread>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/drill_scale.h"
#include "drills/load_sender.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "throttled-events";

class ThrottleDrill : public DrillTest {};

TEST_F(ThrottleDrill, HalfThrottledLosesNothingAndKeepsKeyOrder) {
  std::string hook;
  const std::unique_ptr<LoadSender> load = StartWithSteadyLoad(kStream, &hook);
  ASSERT_TRUE(load);

  const double delivered_before = Metric("streamhook_records_delivered_total", hook);
  ASSERT_TRUE(standin().Control(R"({"throttleShare":0.5})"));
  const auto storm_start = Clock::now();
  std::this_thread::sleep_for(kThrottleStorm);
  ASSERT_TRUE(standin().Control(R"({"throttleShare":0})"));
  const double delivered_in_storm = Metric("streamhook_records_delivered_total", hook) - delivered_before;
  const double storm_seconds = SecondsSince(storm_start);
  const double backlog = Metric("streamhook_hook_lag_records", hook);
  const auto storm_end = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  load->Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
  const double drain_seconds = SecondsSince(storm_end);

  std::map<std::string, int64_t> stats = standin().Stats();
  const DeliveryCheck check = CheckDelivery(load->acknowledged_ids(), standin().Records(kStream));
  std::printf(
      "[drill] throttle: %.0f records delivered during the %.1f s storm (%.0f/s); backlog %.0f records at "
      "its "
      "end, drained %.2f s after it\n",
      delivered_in_storm, storm_seconds, delivered_in_storm / storm_seconds, backlog, drain_seconds);
  std::printf(
      "[drill] throttle: Kinesis throttled %lld of %lld records received; streamhook retried %.0f records "
      "(%.0f per-record failures)\n",
      static_cast<long long>(stats["recordsThrottled"]), static_cast<long long>(stats["recordsReceived"]),
      Metric("streamhook_records_retried_total", hook), Metric("streamhook_records_failed_total", hook));
  PrintCheck("throttle", check);
  EXPECT_GT(stats["recordsThrottled"], 0) << "the storm did not throttle anything";
  EXPECT_EQ(Metric("streamhook_records_dead_lettered_total", hook), 0)
      << "throttled records are retried, not dropped";
  EXPECT_EQ(check.missing, 0u) << "first missing: "
                               << (check.missing_examples.empty() ? "" : check.missing_examples.front());
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(check.foreign, 0u);
}

TEST_F(ThrottleDrill, SharedShardsSettleNearWhatTheyTake) {
  constexpr int kShardBudget = 50;  // records/s per shard; the stand-in's streams have 4 shards
  std::string hook;
  const std::unique_ptr<LoadSender> load = StartWithSteadyLoad(kStream, &hook);
  ASSERT_TRUE(load);

  ASSERT_TRUE(standin().Control(R"({"shardRecordsPerSecond":)" + std::to_string(kShardBudget) + "}"));
  std::map<std::string, int64_t> before = standin().Stats();
  const double delivered_before = Metric("streamhook_records_delivered_total", hook);
  const auto start = Clock::now();
  std::this_thread::sleep_for(kThrottleStorm / 2);
  // The second half shows where the limiter settled; the first includes finding it.
  std::map<std::string, int64_t> middle = standin().Stats();
  const double delivered_middle = Metric("streamhook_records_delivered_total", hook);
  const auto middle_time = Clock::now();
  std::this_thread::sleep_for(kThrottleStorm / 2);
  std::map<std::string, int64_t> after = standin().Stats();
  const double delivered_after = Metric("streamhook_records_delivered_total", hook);
  const double second_half = SecondsSince(middle_time);
  const double whole = SecondsSince(start);
  ASSERT_TRUE(standin().Control(R"({"shardRecordsPerSecond":0})"));
  const auto end = Clock::now();
  load->Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
  const double drain_seconds = SecondsSince(end);

  auto share = [](std::map<std::string, int64_t>& from, std::map<std::string, int64_t>& to) {
    const double received = static_cast<double>(to["recordsReceived"] - from["recordsReceived"]);
    const double throttled = static_cast<double>(to["recordsThrottled"] - from["recordsThrottled"]);
    return received > 0 ? 100.0 * throttled / received : 0.0;
  };
  const DeliveryCheck check = CheckDelivery(load->acknowledged_ids(), standin().Records(kStream));
  std::printf(
      "[drill] shared shards: 4 shards x %d records/s = %d/s to take; delivered %.0f/s over the %.1f s "
      "(%.0f/s in its second half); %.1f%% of the records sent were throttled (%.1f%% in the second half); "
      "drained %.2f s after it\n",
      kShardBudget, 4 * kShardBudget, (delivered_after - delivered_before) / whole, whole,
      (delivered_after - delivered_middle) / second_half, share(before, after), share(middle, after),
      drain_seconds);
  PrintCheck("shared shards", check);
  EXPECT_GT(after["recordsThrottled"] - before["recordsThrottled"], 0)
      << "the budget did not throttle anything";
  EXPECT_GT(delivered_after, delivered_before) << "nothing delivered while the shards were shared";
  EXPECT_EQ(Metric("streamhook_records_dead_lettered_total", hook), 0);
  EXPECT_EQ(check.missing, 0u) << "first missing: "
                               << (check.missing_examples.empty() ? "" : check.missing_examples.front());
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(check.foreign, 0u);
}

}  // namespace
}  // namespace streamhook::drills
