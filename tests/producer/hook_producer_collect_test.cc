// HookProducer's collector against the Kinesis stand-in: one PutRecords carries the ready records
// of several shards, and when one shard of such a call is throttled, only its records are sent
// again (and only its limiter slows down) while the other shards' records are not resent.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "producer/shard_map.h"
#include "producer_harness.h"
#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

using testing::KinesisStandin;

TEST(HookProducerCollector, OneCallCarriesSeveralShardsAndOnlyThrottledRecordsAreResent) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ShardMap map;
  ASSERT_TRUE(map.Load(ListStreamShards(standin.endpoint(), "events")).ok());
  // A slow first retry, so that the first answer can be looked at before any record is resent.
  ProducerHarness harness(standin.endpoint(), {500, 5 << 20, 20}, [](HookProducerOptions& o) {
    o.retry_backoff = {std::chrono::milliseconds(1000), std::chrono::milliseconds(1000)};
  });
  for (int i = 0; i < 100 && harness.metrics().shard_map_loads.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(harness.metrics().shard_map_loads.load(), 1u);
  const int keys = 40;
  std::set<std::string> shards_of_keys;
  for (int k = 0; k < keys; ++k) shards_of_keys.insert(std::string(map.Predict("user-" + std::to_string(k))));
  ASSERT_GE(shards_of_keys.size(), 3u) << "the keys must spread over several shards";

  // One record per key, all ready together: one call for all of them.
  harness.AddRecords(0, keys, keys);
  ASSERT_TRUE(harness.WaitDone(keys));
  std::set<std::string> stored_on;
  for (const auto& r : standin.Records("events")) stored_on.insert(r.shard_id);
  EXPECT_EQ(standin.Stats()["putRecordsCalls"], 1) << "one call for the records of every shard";
  EXPECT_EQ(stored_on, shards_of_keys);

  // Again, with the shard of user-0 refusing everything.
  const std::string hot(map.Predict("user-0"));
  size_t hot_keys = 0;
  for (int k = 0; k < keys; ++k) hot_keys += map.Predict("user-" + std::to_string(k)) == hot ? 1 : 0;
  const size_t elsewhere = keys - hot_keys;
  standin.Reset();
  ASSERT_TRUE(standin.Control(R"({"throttleShards":[")" + hot + R"("]})"));
  harness.AddRecords(keys, keys, keys);
  ASSERT_TRUE(harness.WaitDone(keys + elsewhere, std::chrono::seconds(10)));
  auto first = standin.Stats();
  EXPECT_EQ(first["putRecordsCalls"], 1);
  EXPECT_EQ(first["recordsReceived"], keys) << "the hot shard's records shared the call";
  EXPECT_EQ(first["recordsThrottled"], static_cast<int64_t>(hot_keys));
  EXPECT_EQ(first["recordsAccepted"], static_cast<int64_t>(elsewhere));

  // The hot shard's records are retried; the others' are never sent again.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto later = standin.Stats();
  EXPECT_GT(later["putRecordsCalls"], 1);
  EXPECT_GT(later["recordsThrottled"], static_cast<int64_t>(hot_keys)) << "throttled records were retried";
  EXPECT_EQ(later["recordsReceived"] - later["recordsThrottled"], static_cast<int64_t>(elsewhere))
      << "records accepted in a partly throttled call were sent again";
  EXPECT_EQ(harness.done().size(), keys + elsewhere);
  int64_t hot_rate = 0, cool_rate = 0;
  const std::string cool = *std::find_if(shards_of_keys.begin(), shards_of_keys.end(),
                                         [&](const std::string& id) { return id != hot; });
  harness.OnStrand([&] {
    hot_rate = harness.producer().shard_rate(hot);
    cool_rate = harness.producer().shard_rate(cool);
  });
  EXPECT_LT(hot_rate, 1000) << "the throttled shard's rate was lowered";
  EXPECT_EQ(cool_rate, 1000) << "its neighbours in the call keep the cap";

  ASSERT_TRUE(standin.Control(R"({"throttleShards":[]})"));
  ASSERT_TRUE(harness.WaitDone(2 * keys, std::chrono::seconds(20)));
  const std::vector<ReadRecord> stored = StandinRecords(standin);
  EXPECT_EQ(stored.size(), static_cast<size_t>(keys)) << "each record of the second round stored once";
  for (const auto& [lsn, times] : harness.done()) EXPECT_EQ(times, 1) << "lsn " << lsn;
  std::printf(
      "collector: %d records of %zu shards in 1 call; hot %s: %zu records refused, %lld throttled sends "
      "in all, %zu others sent once; allowed rate hot %lld/s, %s %lld/s\n",
      keys, shards_of_keys.size(), hot.c_str(), hot_keys, static_cast<long long>(later["recordsThrottled"]),
      elsewhere, static_cast<long long>(hot_rate), cool.c_str(), static_cast<long long>(cool_rate));
}

TEST(HookProducerCollector, ALimiterBoundBacklogIsSentInBatchesNotTokenByToken) {
  // 2 shards at 200 records/s each, lingerMs 50: about 20 records per call when the limiters hold
  // the backlog. Each answer used to send the few tokens refilled since the last call (keys whose
  // record was acknowledged counted as having waited already), 2-4 records per call.
  KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {500, 5 << 20, 50}, [](HookProducerOptions& o) {
    o.shard_rate = {200, 1 << 20};
  });
  for (int i = 0; i < 100 && harness.metrics().shard_map_loads.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // 1,200 records of 300 keys: each key's next record is ready as soon as its last is acknowledged.
  harness.AddRecords(0, 1200, 300);
  ASSERT_TRUE(harness.WaitDone(1200, std::chrono::seconds(60)));
  const auto calls = standin.Stats()["putRecordsCalls"];
  const double per_call = 1200.0 / static_cast<double>(calls);
  std::printf("limiter-bound backlog: 1200 records in %lld calls (%.1f records per call)\n",
              static_cast<long long>(calls), per_call);
  // The first two seconds' full buckets go in big calls; afterwards ~20 per call.
  EXPECT_GE(per_call, 10.0);
  const auto check = CheckStream(Unpack(StandinRecords(standin)), 1200);
  EXPECT_EQ(check.distinct, 1200u) << check.problem;
  EXPECT_TRUE(check.order_kept) << check.problem;
}

}  // namespace
}  // namespace streamhook::producer
