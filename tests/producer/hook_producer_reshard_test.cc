// HookProducer while the stream reshards under it (kinesis-local, UpdateShardCount 2 -> 4): the
// shard map follows, nothing is lost, and each key's records stay in order across parent and
// child shards (read back shard by shard with GetRecords, parents first).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <thread>

#include "aws/kinesis_client.h"
#include "producer_harness.h"
#include "support/kinesis_emulator.h"

namespace streamhook::producer {
namespace {

using testing::KinesisEmulator;

bool UpdateShardCount(const std::string& endpoint, const std::string& stream, int shards) {
  boost::asio::io_context io;
  aws::KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = endpoint;
  auto client = aws::KinesisClient::Create(
      io.get_executor(), options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  if (!client.ok()) return false;
  auto result = aws::RunToCompletion<aws::Empty>(
      io, [&](auto done) { (*client)->UpdateShardCount(stream, shards, std::move(done)); });
  EXPECT_TRUE(result.ok()) << result.error().ToString();
  return result.ok();
}

TEST(HookProducerReshard, FollowsAReshardWithoutLossOrReordering) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesisLocal, "events:2");
  ASSERT_TRUE(emulator.ok());
  ProducerHarness harness(emulator.endpoint(), {200, 5 << 20, 10});
  const int chunks = 20, per_chunk = 200, keys = 100;
  const int count = chunks * per_chunk;
  // Records keep coming while the first quarter is delivered; then the stream is resharded with
  // the rest queued or in flight.
  for (int c = 0; c < chunks; ++c) {
    harness.AddRecords(c * per_chunk, per_chunk, keys);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(harness.WaitDone(count / 4, std::chrono::seconds(60)));
  const size_t done_before = harness.done().size();
  ASSERT_TRUE(UpdateShardCount(emulator.endpoint(), "events", 4));
  ASSERT_TRUE(harness.WaitDone(count, std::chrono::seconds(120)));

  const auto shards = ListStreamShards(emulator.endpoint(), "events");
  size_t open = 0;
  for (const auto& s : shards) open += s.closed() ? 0 : 1;
  EXPECT_EQ(open, 4u);
  size_t predicted = 0;
  harness.OnStrand([&] { predicted = harness.producer().predicted_shards(); });
  EXPECT_EQ(predicted, 4u) << "the producer's map did not follow the reshard";
  EXPECT_GE(harness.metrics().shard_map_loads.load(), 2u);

  const auto stored = ReadStream(emulator.endpoint(), "events");
  std::map<std::string, size_t> per_shard;
  for (const auto& r : stored) ++per_shard[r.shard_id];
  const auto check = CheckStream(stored, count);
  EXPECT_EQ(check.distinct, static_cast<size_t>(count)) << check.problem;
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  std::printf(
      "reshard 2 -> 4 after %zu of %d records: %llu shard map loads, %llu mispredicted answers; "
      "records per shard:",
      done_before, count, static_cast<unsigned long long>(harness.metrics().shard_map_loads.load()),
      static_cast<unsigned long long>(harness.metrics().shard_mispredictions.load()));
  for (const auto& [id, n] : per_shard) std::printf(" %s=%zu", id.c_str(), n);
  std::printf("\n");
  EXPECT_GT(per_shard.size(), 4u) << "records on both the parents and the children";
}

}  // namespace
}  // namespace streamhook::producer
