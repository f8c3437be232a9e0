// Crash drill: kill -9 the server under load and restart it, kCrashRounds times in a row. After
// every round each event that got a 200 (in this round or an earlier one) is on the stream; the
// duplicates at-least-once allows are counted per round and in total.
#include <cstdio>
#include <thread>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/drill_scale.h"
#include "drills/load_sender.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "crash-events";

class CrashDrill : public DrillTest {};

TEST_F(CrashDrill, Kill9UnderLoadLosesNothingAcknowledged) {
  const auto drill_start = Clock::now();
  ASSERT_TRUE(StartAll());
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());

  std::vector<std::string> acknowledged;
  size_t total_duplicates = 0;
  double total_restart_seconds = 0;
  for (int round = 1; round <= kCrashRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const double delivered_at_start = Metric("streamhook_records_delivered_total", hook);
    LoadSender load(server().port(), write_key(), {.id_prefix = "r" + std::to_string(round) + "-b"});
    load.Start();
    ASSERT_TRUE(load.WaitForAcknowledged(10, std::chrono::seconds(60)))
        << "the server acknowledged too little";
    // Kill while it delivers too, so that some records are sent but their cursor not yet committed.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Metric("streamhook_records_delivered_total", hook) < delivered_at_start + 300 &&
           Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const double lag_at_kill = Metric("streamhook_hook_lag_records", hook);
    const size_t before_kill = load.acknowledged_batches();
    const auto killed_at = Clock::now();
    server().Kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the sender meets a dead server
    ASSERT_TRUE(server().Restart());
    const double restart_seconds = SecondsSince(killed_at);
    total_restart_seconds += restart_seconds;
    ASSERT_TRUE(load.WaitForAcknowledged(load.acknowledged_batches() + 5, std::chrono::seconds(60)))
        << "the restarted server does not acknowledge";
    load.Stop();
    const std::vector<std::string> ids = load.acknowledged_ids();
    acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());

    const auto waiting = Clock::now();
    ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
    const double drain_seconds = SecondsSince(waiting);
    const std::vector<AcceptedRecord> records = standin().Records(kStream);
    const DeliveryCheck all = CheckDelivery(acknowledged, records);
    const DeliveryCheck this_round = CheckDelivery(ids, records);
    total_duplicates += this_round.duplicates;
    std::printf(
        "[drill] crash round %d: %zu events acknowledged (%zu batches before the kill), %zu requests "
        "refused; committed cursor lagged %.0f at the kill; restart %.2f s, drain %.2f s; "
        "%zu duplicates this round\n",
        round, ids.size(), before_kill, load.refused_requests(), lag_at_kill, restart_seconds, drain_seconds,
        this_round.duplicates);
    PrintCheck("crash after round " + std::to_string(round), all);
    EXPECT_EQ(all.missing, 0u) << "first missing: "
                               << (all.missing_examples.empty() ? "" : all.missing_examples.front());
    EXPECT_EQ(all.order_violations, 0u) << all.order_example;
    EXPECT_EQ(all.foreign, 0u);
  }
  std::printf(
      "[drill] crash total: %d kills, %zu events acknowledged, %zu duplicates, mean restart %.2f s, "
      "drill took %.1f s\n",
      kCrashRounds, acknowledged.size(), total_duplicates, total_restart_seconds / kCrashRounds,
      SecondsSince(drill_start));
}

}  // namespace
}  // namespace streamhook::drills
