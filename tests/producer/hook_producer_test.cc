// HookProducer against the fault-injecting Kinesis stand-in: throttling, 500s, resets, stream
// errors and oversize records; nothing lost, per-key order kept, only failed records retried.
#include "producer/hook_producer.h"

#include <gtest/gtest.h>

#include <thread>

#include "producer_harness.h"
#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

// The stand-in's stored records, KPL records unpacked.
std::vector<ReadRecord> Stored(testing::KinesisStandin& standin) {
  return Unpack(StandinRecords(standin));
}

TEST(HookProducer, RetriesOnlyThrottledRecordsAndKeepsPerKeyOrder) {
  testing::KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"throttleShare":0.3})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.AddRecords(0, 3000, 50);
  ASSERT_TRUE(harness.WaitDone(3000));
  for (const auto& [lsn, times] : harness.done())
    EXPECT_EQ(times, 1) << "lsn " << lsn << " reported done twice";
  const auto check = CheckStream(Stored(standin), 3000);
  EXPECT_EQ(check.distinct, 3000u);
  EXPECT_EQ(check.duplicates, 0u) << "accepted records were sent again";
  EXPECT_TRUE(check.order_kept) << check.problem;
  auto stats = standin.Stats();
  std::printf("throttled %lld of %lld records sent; retried %llu; delivered %llu, 0 duplicates\n",
              static_cast<long long>(stats["recordsThrottled"]),
              static_cast<long long>(stats["recordsReceived"]),
              static_cast<unsigned long long>(harness.metrics().records_retried.load()),
              static_cast<unsigned long long>(harness.metrics().records_delivered.load()));
  EXPECT_GT(harness.metrics().records_failed.load(), 0u);
  EXPECT_EQ(harness.metrics().records_retried.load(), harness.metrics().records_failed.load());
  EXPECT_EQ(harness.metrics().records_delivered.load(), 3000u);
}

TEST(HookProducer, SurvivesServerErrorsAndResetsWithoutLossOrReordering) {
  testing::KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"http500Share":0.1,"resetShare":0.1,"throttleShare":0.1,"delayMs":2})"));
  ProducerHarness harness(standin.endpoint(), {50, 5 << 20, 5});
  harness.AddRecords(0, 2000, 40);
  ASSERT_TRUE(harness.WaitDone(2000));
  const auto check = CheckStream(Stored(standin), 2000);
  EXPECT_EQ(check.distinct, 2000u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  auto stats = standin.Stats();
  std::printf(
      "500s %lld, resets %lld (%lld after storing), throttled %lld; delivered 2000 distinct, %zu "
      "duplicates\n",
      static_cast<long long>(stats["http500s"]), static_cast<long long>(stats["resets"]),
      static_cast<long long>(stats["resetsAfterStore"]), static_cast<long long>(stats["recordsThrottled"]),
      check.duplicates);
  // Duplicates only where a response was lost after the records were stored.
  EXPECT_LE(check.duplicates, static_cast<size_t>(stats["resetsAfterStore"]) * 50);
  if (stats["resetsAfterStore"] == 0) {
    EXPECT_EQ(check.duplicates, 0u);
  }
}

TEST(HookProducer, SurvivesFaultsWithAggregationWithoutLossOrReordering) {
  testing::KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"http500Share":0.1,"resetShare":0.1,"throttleShare":0.2,"delayMs":5})"));
  ProducerHarness harness(standin.endpoint(), {50, 5 << 20, 5}, [](HookProducerOptions& o) {
    o.aggregation = {true, 4096};
  });
  harness.AddRecords(0, 4000, 40, 20);
  ASSERT_TRUE(harness.WaitDone(4000));
  for (const auto& [lsn, times] : harness.done())
    EXPECT_EQ(times, 1) << "lsn " << lsn << " reported done twice";
  const auto check = CheckStream(Stored(standin), 4000);
  EXPECT_EQ(check.distinct, 4000u) << check.problem;
  EXPECT_TRUE(check.order_kept) << check.problem;
  auto stats = standin.Stats();
  std::printf(
      "aggregated: 500s %lld, resets %lld (%lld after storing), throttled %lld Kinesis records; "
      "4000 distinct user records in %zu Kinesis records, %zu duplicates\n",
      static_cast<long long>(stats["http500s"]), static_cast<long long>(stats["resets"]),
      static_cast<long long>(stats["resetsAfterStore"]), static_cast<long long>(stats["recordsThrottled"]),
      standin.Records("events").size(), check.duplicates);
  EXPECT_GT(harness.metrics().aggregated_records_sent.load(), 0u);
  // Duplicates only where a response was lost after the records were stored.
  if (stats["resetsAfterStore"] == 0) {
    EXPECT_EQ(check.duplicates, 0u);
  }
}

TEST(HookProducer, OversizeRecordsGoToTheDeadLettersWithTheReason) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {500, 5 << 20, 5});
  harness.AddRecords(0, 5, 5);
  harness.AddRecords(5, 1, 5, (1 << 20) + 10);  // over 1 MiB
  harness.AddRecords(6, 4, 5);
  ASSERT_TRUE(harness.WaitDone(10));
  EXPECT_EQ(harness.metrics().records_dead_lettered.load(), 1u);
  EXPECT_EQ(standin.Records("events").size(), 9u);
  auto lines = harness.dead_letters().ReadLines("hook1");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_NE((*lines)[0].find("\"lsn\":6"), std::string::npos);
  EXPECT_NE((*lines)[0].find("the stream allows at most"), std::string::npos) << (*lines)[0];
}

TEST(HookProducer, StreamErrorsHoldRecordsUntilFixed) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"streamError":"ResourceNotFoundException"})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.AddRecords(0, 200, 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(harness.done().empty()) << "nothing may be reported done while the stream is missing";
  EXPECT_NE(harness.metrics().error().find("ResourceNotFoundException"), std::string::npos);
  ASSERT_TRUE(standin.Control(R"({"streamError":null})"));
  ASSERT_TRUE(harness.WaitDone(200));
  EXPECT_EQ(harness.metrics().error(), "");
  EXPECT_EQ(CheckStream(Stored(standin), 200).distinct, 200u);
}

TEST(HookProducer, PausedProducerSendsNothingUntilResumed) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.OnStrand([&] { harness.producer().SetPaused(true); });
  harness.AddRecords(0, 300, 9);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(standin.Records("events").size(), 0u);
  harness.OnStrand([&] { harness.producer().SetPaused(false); });
  ASSERT_TRUE(harness.WaitDone(300));
  const auto check = CheckStream(Stored(standin), 300);
  EXPECT_EQ(check.distinct, 300u);
  EXPECT_TRUE(check.order_kept) << check.problem;
}

}  // namespace
}  // namespace streamhook::producer
