// HookProducer's shard awareness: predictions checked against the shards kinesalite (AWS-exact
// ranges) really chose, a hot shard slowed alone, KPL aggregation read back by the independent npm
// aws-kinesis-agg and through kinesalite, and the record TTL.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <map>
#include <set>

#include "aws/kinesis_client.h"
#include "common/encoding.h"
#include "producer/shard_map.h"
#include "producer_harness.h"
#include "support/kinesis_emulator.h"
#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

using testing::KinesisEmulator;
using testing::KinesisStandin;

// Each user record must be on the shard its partition key maps to, per the stream's map.
size_t RecordsOffTheirShard(const std::vector<ReadRecord>& users, const ShardMap& map) {
  size_t off = 0;
  for (const auto& u : users) {
    if (map.Predict(u.partition_key) != u.shard_id) ++off;
  }
  return off;
}

TEST(HookProducerShards, PredictionsMatchWhereKinesaliteStoresRecords) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("events", 5));
  ShardMap map;
  ASSERT_TRUE(map.Load(ListStreamShards(emulator.endpoint(), "events")).ok());
  ASSERT_EQ(map.shard_count(), 5u);

  ProducerHarness harness(emulator.endpoint(), {200, 5 << 20, 20});
  harness.AddRecords(0, 1500, 300);
  ASSERT_TRUE(harness.WaitDone(1500));
  const auto stored = ReadStream(emulator.endpoint(), "events");
  const auto check = CheckStream(stored, 1500);
  EXPECT_EQ(check.distinct, 1500u) << check.problem;
  EXPECT_TRUE(check.order_kept) << check.problem;
  EXPECT_EQ(RecordsOffTheirShard(stored, map), 0u) << "MD5 placement differs from kinesalite's";
  EXPECT_GE(harness.metrics().shard_map_loads.load(), 1u);
  EXPECT_EQ(harness.metrics().shard_mispredictions.load(), 0u);
  std::printf("kinesalite, 5 shards: 1500 records, %llu shard map loads, %llu mispredictions\n",
              static_cast<unsigned long long>(harness.metrics().shard_map_loads.load()),
              static_cast<unsigned long long>(harness.metrics().shard_mispredictions.load()));
}

TEST(HookProducerShards, AggregatedRecordsReadBackThroughKinesaliteOnTheirUsersShards) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("events", 4));
  ShardMap map;
  ASSERT_TRUE(map.Load(ListStreamShards(emulator.endpoint(), "events")).ok());
  ProducerHarness harness(emulator.endpoint(), {200, 5 << 20, 20}, [](HookProducerOptions& o) {
    o.aggregation = {true, 20000};
  });
  // Let the map load first, so that packing across keys is on from the start.
  for (int i = 0; i < 100 && harness.metrics().shard_map_loads.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  harness.AddRecords(0, 3000, 60, 40);
  ASSERT_TRUE(harness.WaitDone(3000));
  const auto stored = ReadStream(emulator.endpoint(), "events");
  const auto users = Unpack(stored);
  const auto check = CheckStream(users, 3000);
  EXPECT_EQ(check.distinct, 3000u) << check.problem;
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  EXPECT_EQ(RecordsOffTheirShard(users, map), 0u) << "a packed record landed away from its users' shard";
  EXPECT_LT(stored.size(), 3000u / 5) << "records were packed";
  EXPECT_GT(harness.metrics().aggregated_records_sent.load(), 0u);
  std::printf("kinesalite, aggregation on: 3000 user records in %zu Kinesis records\n", stored.size());
}

TEST(HookProducerShards, AHotShardIsSlowedAloneAndTheOthersFlow) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"throttleShards":["shardId-000000000001"]})"));
  ShardMap map;
  ASSERT_TRUE(map.Load(ListStreamShards(standin.endpoint(), "events")).ok());
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  const int count = 2000, keys = 40;
  harness.AddRecords(0, count, keys);
  size_t elsewhere = 0;
  for (int i = 0; i < count; ++i) {
    if (map.Predict("user-" + std::to_string(i % keys)) != "shardId-000000000001") ++elsewhere;
  }
  ASSERT_GT(elsewhere, 0u);
  ASSERT_LT(elsewhere, static_cast<size_t>(count));
  // Everything off the hot shard is delivered while it refuses everything.
  ASSERT_TRUE(harness.WaitDone(elsewhere, std::chrono::seconds(30)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(harness.done().size(), elsewhere) << "records of the hot shard cannot be delivered yet";
  EXPECT_GT(harness.metrics().shard_throttles.load(), 0u);
  const auto throttled_sends = standin.Stats()["recordsThrottled"];
  int64_t hot_rate = 0, cool_rate = 0;
  harness.OnStrand([&] {
    hot_rate = harness.producer().shard_rate("shardId-000000000001");
    cool_rate = harness.producer().shard_rate("shardId-000000000002");
  });
  EXPECT_GT(hot_rate, 0);
  EXPECT_LT(hot_rate, 1000) << "the throttled shard's rate was lowered";
  EXPECT_EQ(cool_rate, 1000) << "the other shards keep the cap";
  ASSERT_TRUE(standin.Control(R"({"throttleShards":[]})"));
  ASSERT_TRUE(harness.WaitDone(count));
  const auto check = CheckStream(StandinRecords(standin), count);
  EXPECT_EQ(check.distinct, static_cast<size_t>(count));
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  std::printf(
      "hot shard: %zu records elsewhere delivered meanwhile; %lld throttled sends, %llu throttle "
      "answers, %llu limiter waits; allowed rate hot shard %lld/s, others %lld/s\n",
      elsewhere, static_cast<long long>(throttled_sends),
      static_cast<unsigned long long>(harness.metrics().shard_throttles.load()),
      static_cast<unsigned long long>(harness.metrics().limiter_waits.load()),
      static_cast<long long>(hot_rate), static_cast<long long>(cool_rate));
}

// The stored Kinesis records deaggregated by npm aws-kinesis-agg (tests/producer/deaggregate.js).
std::vector<ReadRecord> DeaggregateWithNode(const std::vector<testing::StandinRecord>& stored) {
  testing::TempDir dir;
  const auto input = dir.path() / "records.jsonl";
  {
    std::ofstream out(input);
    for (const auto& r : stored) {
      out << "{\"shardId\":\"" << r.shard_id << "\",\"partitionKey\":\"" << r.partition_key
          << "\",\"data\":\"" << Base64Encode(r.data) << "\"}\n";
    }
  }
  std::string output;
  const int rc = testing::RunCommand(
      {"node", (testing::SourceDir() / "tests/producer/deaggregate.js").string(), input.string()}, &output,
      {}, false);
  EXPECT_EQ(rc, 0) << output;
  std::vector<ReadRecord> users;
  simdjson::dom::parser parser;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::object o;
    if (parser.parse(line).get(o) != simdjson::SUCCESS) {
      ADD_FAILURE() << "bad line from deaggregate.js: " << line;
      continue;
    }
    ReadRecord r;
    r.shard_id = std::string(o["shardId"].get_string().value());
    r.partition_key = std::string(o["partitionKey"].get_string().value());
    r.data = std::string(o["data"].get_string().value());
    r.aggregated = o["aggregated"].get_bool().value();
    users.push_back(std::move(r));
  }
  return users;
}

TEST(HookProducerShards, TheKplLibraryReadsOurAggregatedRecords) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.Control(R"({"throttleShare":0.2})"));
  ShardMap map;
  ASSERT_TRUE(map.Load(ListStreamShards(standin.endpoint(), "events")).ok());
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 10}, [](HookProducerOptions& o) {
    o.aggregation = {true, 51200};
  });
  harness.AddRecords(0, 4000, 50, 30);
  ASSERT_TRUE(harness.WaitDone(4000));
  const auto stored = standin.Records("events");
  const auto users = DeaggregateWithNode(stored);
  const auto check = CheckStream(users, 4000);
  EXPECT_EQ(check.distinct, 4000u) << check.problem;
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  EXPECT_EQ(RecordsOffTheirShard(users, map), 0u);
  size_t packed = 0;
  for (const auto& u : users) packed += u.aggregated ? 1 : 0;
  EXPECT_GT(packed, 2000u);
  // Our own deaggregator agrees with the library, record for record.
  std::vector<ReadRecord> raw;
  for (const auto& r : stored) raw.push_back({r.shard_id, r.partition_key, r.data, false});
  const auto ours = Unpack(raw);
  ASSERT_EQ(ours.size(), users.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(ours[i].partition_key, users[i].partition_key);
    EXPECT_EQ(ours[i].data, users[i].data);
  }
  std::printf("aws-kinesis-agg: %zu user records (%zu packed) from %zu Kinesis records, 20%% throttled\n",
              users.size(), packed, stored.size());
}

TEST(HookProducerShards, RecordsPastTheirTtlGoToTheDeadLetters) {
  KinesisStandin standin(2);
  ASSERT_TRUE(standin.Control(R"({"throttleShare":1.0})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5},
                          [](HookProducerOptions& o) { o.record_ttl_ms = 300; });
  harness.AddRecords(0, 60, 6);
  ASSERT_TRUE(harness.WaitDone(60, std::chrono::seconds(20)));
  EXPECT_EQ(harness.metrics().records_ttl_expired.load(), 60u);
  EXPECT_EQ(harness.metrics().records_delivered.load(), 0u);
  auto lines = harness.dead_letters().ReadLines("hook1");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 60u);
  for (const auto& line : *lines)
    EXPECT_NE(line.find("\"reason\":\"ttl expired\""), std::string::npos) << line;
  for (const auto& [lsn, times] : harness.done()) EXPECT_EQ(times, 1) << "lsn " << lsn;
}

}  // namespace
}  // namespace streamhook::producer
