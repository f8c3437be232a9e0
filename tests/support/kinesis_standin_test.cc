// The stand-in's injected faults, seen through our own KinesisClient: per-record throttling and
// internal failures, HTTP 500s, stream errors, connection resets, outages and latency.
#include "support/kinesis_standin.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>

#include "aws/kinesis_client.h"

namespace streamhook::testing {
namespace {

using aws::AwsError;
using aws::AwsResult;
using aws::PutRecordsEntry;
using aws::PutRecordsOutput;
using aws::RunToCompletion;

std::unique_ptr<aws::KinesisClient> MakeClient(
    boost::asio::io_context& io, const KinesisStandin& standin,
    std::chrono::milliseconds request_timeout = std::chrono::seconds(30)) {
  aws::KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = standin.endpoint();
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  options.http.request_timeout = request_timeout;
  auto client = aws::KinesisClient::Create(
      io.get_executor(), options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

// Records whose data is "<prefix><i>" and whose keys spread over every shard.
struct Batch {
  std::vector<std::string> data, keys;
  std::vector<PutRecordsEntry> entries;
  Batch(const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      data.push_back(prefix + std::to_string(i));
      keys.push_back("key-" + std::to_string(i % 50));
    }
    for (int i = 0; i < count; ++i) entries.push_back({data[i], keys[i], ""});
  }
};

AwsResult<PutRecordsOutput> Put(boost::asio::io_context& io, aws::KinesisClient& client, const Batch& batch) {
  return RunToCompletion<PutRecordsOutput>(io, [&](auto done) {
    client.PutRecords("events", batch.entries, aws::StreamLimits{}, std::move(done));
  });
}

AwsResult<aws::StreamSummary> Describe(boost::asio::io_context& io, aws::KinesisClient& client) {
  return RunToCompletion<aws::StreamSummary>(
      io, [&](auto done) { client.DescribeStreamSummary("events", std::move(done)); });
}

TEST(KinesisStandin, ThrottleShareFailsAboutThatShareAndStoresOnlyTheRest) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"throttleShare":0.5})"));

  Batch first("a-", 500), second("b-", 500);
  std::vector<std::string> expected_stored;
  int throttled = 0;
  for (const Batch* batch : {&first, &second}) {
    auto put = Put(io, *client, *batch);
    ASSERT_TRUE(put.ok()) << put.error().ToString();
    ASSERT_EQ(put->records.size(), 500u);
    int failed_here = 0;
    for (size_t i = 0; i < put->records.size(); ++i) {
      const auto& r = put->records[i];
      if (r.ok()) {
        expected_stored.push_back(batch->data[i]);
        continue;
      }
      ++failed_here;
      EXPECT_EQ(r.error_code, "ProvisionedThroughputExceededException");
      EXPECT_NE(r.error_message.find("Rate exceeded for shard"), std::string::npos) << r.error_message;
    }
    EXPECT_EQ(put->failed_record_count, failed_here);
    throttled += failed_here;
  }
  EXPECT_GE(throttled, 300);
  EXPECT_LE(throttled, 700);

  // Exactly the records answered with a sequence number were kept, in order.
  const auto stored = standin.Records("events");
  ASSERT_EQ(stored.size(), expected_stored.size());
  for (size_t i = 0; i < stored.size(); ++i) EXPECT_EQ(stored[i].data, expected_stored[i]);
  auto stats = standin.Stats();
  EXPECT_EQ(stats["putRecordsCalls"], 2);
  EXPECT_EQ(stats["recordsReceived"], 1000);
  EXPECT_EQ(stats["recordsThrottled"], throttled);
  EXPECT_EQ(stats["recordsAccepted"], 1000 - throttled);

  // Reset clears records and counters; the throttling stays until changed.
  standin.Reset();
  EXPECT_TRUE(standin.Records("events").empty());
  EXPECT_EQ(standin.Stats()["recordsReceived"], 0);
  ASSERT_TRUE(standin.Control(R"({"throttleShare":0})"));
  auto clean = Put(io, *client, first);
  ASSERT_TRUE(clean.ok()) << clean.error().ToString();
  EXPECT_EQ(clean->failed_record_count, 0);
  EXPECT_EQ(standin.Records("events").size(), 500u);
}

// A per-shard budget throttles what exceeds it, as Kinesis does with a shard's 1,000 records/s, and
// refills over a second; 0 lifts it.
TEST(KinesisStandin, ShardBudgetThrottlesWhatExceedsItAndRefills) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"shardRecordsPerSecond":20})"));

  Batch batch("c-", 500);  // 50 keys: every one of the 4 shards gets far more than 20
  for (int round = 0; round < 2; ++round) {
    standin.Reset();
    const auto start = std::chrono::steady_clock::now();
    auto put = Put(io, *client, batch);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(put.ok()) << put.error().ToString();
    const int accepted = 500 - put->failed_record_count;
    // A full bucket per shard, plus what refills while the call is handled.
    EXPECT_GE(accepted, 4 * 20) << "round " << round;
    EXPECT_LE(accepted, 4 * 20 + static_cast<int>(4 * 20 * seconds) + 4) << "round " << round;
    EXPECT_EQ(standin.Stats()["recordsThrottled"], put->failed_record_count);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the buckets refill
  }
  ASSERT_TRUE(standin.Control(R"({"shardRecordsPerSecond":0})"));
  auto unlimited = Put(io, *client, batch);
  ASSERT_TRUE(unlimited.ok()) << unlimited.error().ToString();
  EXPECT_EQ(unlimited->failed_record_count, 0);
}

TEST(KinesisStandin, InternalFailureShareAndSingleRecordThrottling) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"internalFailureShare":1})"));
  Batch batch("x-", 20);
  auto put = Put(io, *client, batch);
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(put->failed_record_count, 20);
  for (const auto& r : put->records) EXPECT_EQ(r.error_code, "InternalFailure");
  EXPECT_TRUE(standin.Records("events").empty());

  // PutRecord has no per-record answer: the whole call fails with the retryable error.
  ASSERT_TRUE(standin.Control(R"({"internalFailureShare":0,"throttleShare":1})"));
  auto one = RunToCompletion<aws::PutRecordOutput>(io, [&](auto done) {
    client->PutRecord("events", batch.entries[0], aws::StreamLimits{}, std::move(done));
  });
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.error().type, "ProvisionedThroughputExceededException");
  EXPECT_EQ(one.error().http_status, 400);
  EXPECT_TRUE(one.error().retryable);
  EXPECT_EQ(standin.Stats()["putRecordCalls"], 1);
}

TEST(KinesisStandin, Http500IsARetryableServiceError) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"http500Share":1})"));
  Batch batch("x-", 10);
  auto put = Put(io, *client, batch);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, AwsError::Kind::kService);
  EXPECT_EQ(put.error().http_status, 500);
  EXPECT_EQ(put.error().type, "InternalFailure");
  EXPECT_TRUE(put.error().retryable);
  EXPECT_FALSE(Describe(io, *client).ok());
  EXPECT_EQ(standin.Stats()["http500s"], 2);
  EXPECT_TRUE(standin.Records("events").empty());

  ASSERT_TRUE(standin.Control(R"({"http500Share":0})"));
  auto again = Put(io, *client, batch);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(standin.Records("events").size(), 10u);
}

TEST(KinesisStandin, StreamErrorAnswersEveryCall) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  Batch batch("x-", 3);

  ASSERT_TRUE(standin.Control(R"({"streamError":"ResourceNotFoundException"})"));
  auto put = Put(io, *client, batch);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().type, "ResourceNotFoundException");
  EXPECT_EQ(put.error().http_status, 400);
  EXPECT_FALSE(put.error().retryable);
  EXPECT_EQ(put.error().ToStatus().code(), Status::Code::kNotFound);

  ASSERT_TRUE(standin.Control(R"({"streamError":"AccessDeniedException"})"));
  auto described = Describe(io, *client);
  ASSERT_FALSE(described.ok());
  EXPECT_EQ(described.error().type, "AccessDeniedException");
  EXPECT_FALSE(described.error().retryable);
  EXPECT_EQ(described.error().ToStatus().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(standin.Stats()["streamErrors"], 2);

  ASSERT_TRUE(standin.Control(R"({"streamError":null})"));
  EXPECT_TRUE(Describe(io, *client).ok());
  EXPECT_TRUE(standin.Records("events").empty());
}

TEST(KinesisStandin, ResetsAreTransportErrorsAndHalfOfThemStoreFirst) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"resetShare":1})"));
  std::vector<std::unique_ptr<Batch>> batches;
  for (int call = 0; call < 6; ++call) {
    batches.push_back(std::make_unique<Batch>("call" + std::to_string(call) + "-", 2));
    auto put = Put(io, *client, *batches.back());
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().kind, AwsError::Kind::kTransport) << put.error().ToString();
    EXPECT_TRUE(put.error().retryable);
  }
  auto stats = standin.Stats();
  EXPECT_GE(stats["resets"], 6);
  EXPECT_EQ(stats["resets"], stats["requests"]);
  EXPECT_EQ(stats["resetsAfterStore"], stats["resets"] / 2);
  // The "after" half stored their records although the client saw only a failure: the duplicates a
  // producer must expect when it retries.
  const auto stored = standin.Records("events");
  EXPECT_EQ(static_cast<int64_t>(stored.size()), 2 * stats["resetsAfterStore"]);
  EXPECT_EQ(stats["recordsAccepted"], static_cast<int64_t>(stored.size()));

  ASSERT_TRUE(standin.Control(R"({"resetShare":0})"));
  EXPECT_TRUE(Put(io, *client, *batches[0]).ok());
}

TEST(KinesisStandin, DownDropsEveryConnectionUntilUp) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  ASSERT_TRUE(Describe(io, *client).ok());  // leaves a pooled keep-alive connection
  EXPECT_EQ(client->http_stats().connections_opened, 1u);

  ASSERT_TRUE(standin.Control(R"({"down":true})"));
  Batch batch("x-", 5);
  auto put = Put(io, *client, batch);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().kind, AwsError::Kind::kTransport) << put.error().ToString();
  EXPECT_TRUE(put.error().retryable);
  // The pooled connection was closed, so the client had to open another one.
  EXPECT_GE(client->http_stats().connections_opened, 2u);
  EXPECT_GE(standin.Stats()["downDrops"], 1);
  EXPECT_TRUE(standin.Records("events").empty());

  ASSERT_TRUE(standin.Control(R"({"down":false})"));
  auto after = Put(io, *client, batch);
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(standin.Records("events").size(), 5u);
}

TEST(KinesisStandin, DelayOutlastingTheClientTimeoutIsATimeout) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin, std::chrono::milliseconds(300));
  ASSERT_TRUE(client);
  ASSERT_TRUE(standin.Control(R"({"delayMs":5000})"));
  auto slow = Describe(io, *client);
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("timed out"), std::string::npos) << slow.error().ToString();

  ASSERT_TRUE(standin.Control(R"({"delayMs":20})"));
  EXPECT_TRUE(Describe(io, *client).ok());
}

}  // namespace
}  // namespace streamhook::testing
