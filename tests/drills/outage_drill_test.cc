// Outage drill: under load the Kinesis endpoint goes away for kOutage (its process stopped: every
// connection refused) and comes back on the same port. Ingest keeps acknowledging into the spool,
// the backlog drains once Kinesis is back, and nothing acknowledged is lost.
#include <cstdio>
#include <thread>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/drill_scale.h"
#include "drills/load_sender.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "outage-events";

class OutageDrill : public DrillTest {};

TEST_F(OutageDrill, BacklogDrainsAfterKinesisComesBack) {
  std::string hook;
  const std::unique_ptr<LoadSender> load = StartWithSteadyLoad(kStream, &hook);
  ASSERT_TRUE(load);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Metric("streamhook_records_delivered_total", hook) < 300 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_GE(Metric("streamhook_records_delivered_total", hook), 300)
      << "nothing is delivered before the outage";

  const size_t acknowledged_before = load->acknowledged_batches() * 100;
  standin().Stop({kStream});
  // Read after the stop: calls answered just before it still count as delivered before the outage.
  const double delivered_before = Metric("streamhook_records_delivered_total", hook);
  std::printf("[drill] outage: Kinesis stopped for %lld s after %.0f records delivered\n",
              static_cast<long long>(kOutage.count()), delivered_before);
  std::this_thread::sleep_for(kOutage);
  const double backlog = Metric("streamhook_hook_lag_records", hook);
  const size_t acknowledged_during = load->acknowledged_batches() * 100 - acknowledged_before;
  const double delivered_during = Metric("streamhook_records_delivered_total", hook) - delivered_before;
  const auto back_at = Clock::now();
  ASSERT_TRUE(standin().Start());
  // The load goes on while the backlog drains, then stops so the lag can reach 0.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  load->Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
  const double drain_seconds = SecondsSince(back_at);

  const DeliveryCheck check = CheckDelivery(load->acknowledged_ids(), standin().Records(kStream));
  std::printf(
      "[drill] outage: %zu events acknowledged during the outage (%.0f delivered meanwhile), backlog %.0f "
      "records when Kinesis came back; drained %.2f s after it came back; %zu requests refused\n",
      acknowledged_during, delivered_during, backlog, drain_seconds, load->refused_requests());
  std::printf("[drill] outage: %.0f records retried\n", Metric("streamhook_records_retried_total", hook));
  PrintCheck("outage", check);
  EXPECT_GT(acknowledged_during, 0u) << "ingest must not depend on Kinesis";
  EXPECT_EQ(delivered_during, 0) << "records were delivered while the endpoint was gone";
  EXPECT_EQ(check.missing, 0u) << "first missing: "
                               << (check.missing_examples.empty() ? "" : check.missing_examples.front());
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(check.foreign, 0u);
  if (load->refused_requests() == 0) {
    EXPECT_EQ(check.unacknowledged, 0u) << "every request was answered 200, yet other events were delivered";
  }
}

}  // namespace
}  // namespace streamhook::drills
