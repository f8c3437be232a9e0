// HookProducer and the stream's record distribution strategy: a stream with AUTO (Kinesis places
// records itself, ignoring partition keys) gets no shard prediction and no KPL aggregation, since an
// aggregated record is built for one shard and consumers may drop it from such a stream; a switch
// to AUTO at run time is noticed from the first records that land off their predicted shard.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "aws/kpl_aggregation.h"
#include "producer_harness.h"
#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

using testing::KinesisStandin;

struct StoredRecords {
  std::vector<ReadRecord> users;  // KPL records unpacked, in the stand-in's acceptance order
  size_t kinesis_records = 0;
  size_t aggregated = 0;  // Kinesis records in the KPL format
  std::set<std::string> shards;
};

StoredRecords Stored(KinesisStandin& standin, size_t skip = 0) {
  StoredRecords out;
  std::vector<ReadRecord> raw = StandinRecords(standin);
  raw.erase(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(std::min(skip, raw.size())));
  for (const auto& r : raw) {
    out.aggregated += aws::IsAggregated(r.data) ? 1 : 0;
    out.shards.insert(r.shard_id);
  }
  out.kinesis_records = raw.size();
  out.users = Unpack(raw);
  return out;
}

void FastRefresh(HookProducerOptions& o) {
  o.aggregation = {true, 20000};
  o.shard_map.min_gap = std::chrono::milliseconds(50);
}

TEST(HookProducerDistribution, AnAutoStreamGetsPlainRecordsAndNoPrediction) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"recordDistribution":"AUTO"})"));
  ProducerHarness harness(standin.endpoint(), {200, 5 << 20, 10}, FastRefresh);
  harness.AddRecords(0, 2000, 50, 20);
  ASSERT_TRUE(harness.WaitDone(2000));

  const auto stored = Stored(standin);
  // Acceptance order is the order the stream saw, so per-key order is checked across shards.
  const auto check = CheckStream(stored.users, 2000);
  EXPECT_EQ(check.distinct, 2000u) << check.problem;
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  EXPECT_EQ(stored.aggregated, 0u) << "KPL records were sent to an AUTO stream";
  EXPECT_EQ(harness.metrics().aggregated_records_sent.load(), 0u);
  EXPECT_EQ(stored.shards.size(), 4u) << "the stand-in spreads AUTO records over every shard";
  size_t predicted = 1;
  harness.OnStrand([&] { predicted = harness.producer().predicted_shards(); });
  EXPECT_EQ(predicted, 0u) << "no shard map for a stream that ignores keys";
  EXPECT_EQ(harness.metrics().shard_mispredictions.load(), 0u);
  std::printf("AUTO stream: 2000 records in %zu plain Kinesis records over %zu shards, 0 aggregated\n",
              stored.kinesis_records, stored.shards.size());
}

TEST(HookProducerDistribution, ASwitchToAutoStopsAggregationWithinARefresh) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {200, 5 << 20, 10}, FastRefresh);
  harness.AddRecords(0, 1000, 20, 20);
  ASSERT_TRUE(harness.WaitDone(1000));
  ASSERT_GT(harness.metrics().aggregated_records_sent.load(), 0u) << "aggregation works on a keyed stream";
  const size_t before = standin.Records("events").size();

  ASSERT_TRUE(standin.Control(R"({"recordDistribution":"AUTO"})"));
  // In steps, so that the refresh prompted by the first records off their shard can take effect.
  const int kSteps = 20, kPerStep = 50;
  for (int step = 0; step < kSteps; ++step) {
    harness.AddRecords(1000 + step * kPerStep, kPerStep, 20, 20);
    ASSERT_TRUE(harness.WaitDone(1000 + static_cast<size_t>(step + 1) * kPerStep));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  const auto all = Stored(standin);
  const auto check = CheckStream(all.users, 1000 + kSteps * kPerStep);
  EXPECT_EQ(check.distinct, static_cast<size_t>(1000 + kSteps * kPerStep)) << check.problem;
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  const auto after = Stored(standin, before);
  EXPECT_GE(harness.metrics().shard_mispredictions.load(), 1u)
      << "the switch shows as records off their shard";
  // Only the records sent before the refresh answered may be packed; the second half is plain.
  size_t packed_late = 0;
  for (const auto& u : after.users) {
    const int n = std::stoi(u.data.substr(u.data.find("\"n\":") + 4));
    if (u.aggregated && n >= 1000 + kSteps * kPerStep / 2) ++packed_late;
  }
  EXPECT_EQ(packed_late, 0u) << "still aggregating long after the stream said AUTO";
  size_t predicted = 1;
  harness.OnStrand([&] { predicted = harness.producer().predicted_shards(); });
  EXPECT_EQ(predicted, 0u);
  std::printf(
      "switch to AUTO: %zu of %zu Kinesis records after it were KPL records (before the refresh), "
      "%llu mispredictions seen\n",
      after.aggregated, after.kinesis_records,
      static_cast<unsigned long long>(harness.metrics().shard_mispredictions.load()));
}

TEST(HookProducerDistribution, AnAggregatingHookWaitsForThePlacementButNotForever) {
  // A stream that refuses DescribeStreamSummary (AccessDenied on every call here) still gets its
  // records, unaggregated: the placement is settled as unknown instead of being waited for.
  KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"streamError":"AccessDeniedException"})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5}, FastRefresh);
  harness.AddRecords(0, 100, 10);
  // PutRecords was tried (and refused like everything else) rather than held.
  bool tried = false;
  for (int i = 0; i < 200 && !tried; ++i) {
    tried = harness.metrics().error().find("AccessDenied") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_TRUE(tried) << "an aggregating hook held its records while the summary was refused";
  ASSERT_TRUE(standin.Control(R"({"streamError":null})"));
  ASSERT_TRUE(harness.WaitDone(100, std::chrono::seconds(60)));
  const auto stored = Stored(standin);
  EXPECT_EQ(CheckStream(stored.users, 100).distinct, 100u);
}

}  // namespace
}  // namespace streamhook::producer
