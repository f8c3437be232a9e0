// KinesisClient against kinesalite: every operation, paging, per-record results, connection reuse,
// concurrent requests, and TLS verification through a local HTTPS front with a test CA.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "aws/kinesis_client.h"
#include "support/kinesis_emulator.h"

namespace streamhook::aws {
namespace {

using testing::KinesisEmulator;

std::unique_ptr<KinesisClient> MakeClient(boost::asio::io_context& io, const std::string& endpoint,
                                          const std::string& ca_file = "") {
  KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = endpoint;
  options.http.ca_file = ca_file;
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  auto client = KinesisClient::Create(
      io.get_executor(), options, MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

TEST(KinesisClientIntegration, OperationsRoundTrip) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, emulator.endpoint());
  ASSERT_TRUE(client);

  auto created =
      RunToCompletion<Empty>(io, [&](auto done) { client->CreateStream("s", 3, std::move(done)); });
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  auto summary = RunToCompletion<StreamSummary>(
      io, [&](auto done) { client->DescribeStreamSummary("s", std::move(done)); });
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->open_shard_count, 3);
  EXPECT_EQ(summary->stream_status, "ACTIVE");

  // Paging: one shard per page still returns all three.
  auto shards = RunToCompletion<std::vector<Shard>>(
      io, [&](auto done) { client->ListShards("s", std::move(done), 1); });
  ASSERT_TRUE(shards.ok()) << shards.error().ToString();
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[0].starting_hash_key, "0");
  EXPECT_EQ((*shards)[2].ending_hash_key, "340282366920938463463374607431768211455");

  std::vector<std::string> data, keys;
  for (int i = 0; i < 500; ++i) {
    data.push_back("{\"i\":" + std::to_string(i) + "}");
    keys.push_back("user-" + std::to_string(i % 17));
  }
  std::vector<PutRecordsEntry> entries;
  for (int i = 0; i < 500; ++i) entries.push_back({data[i], keys[i], ""});
  auto put = RunToCompletion<PutRecordsOutput>(
      io, [&](auto done) { client->PutRecords("s", entries, StreamLimits{}, std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  EXPECT_EQ(put->failed_record_count, 0);
  ASSERT_EQ(put->records.size(), 500u);

  size_t read_back = 0;
  for (const auto& shard : *shards) {
    auto iterator = RunToCompletion<std::string>(io, [&](auto done) {
      client->GetShardIterator("s", shard.shard_id, IteratorStart{}, std::move(done));
    });
    ASSERT_TRUE(iterator.ok()) << iterator.error().ToString();
    auto records = RunToCompletion<GetRecordsOutput>(
        io, [&](auto done) { client->GetRecords(*iterator, 10000, std::move(done)); });
    ASSERT_TRUE(records.ok()) << records.error().ToString();
    for (const auto& r : records->records) {
      const int i = std::stoi(r.data.substr(5));
      EXPECT_EQ(r.partition_key, keys[i]);
      EXPECT_EQ(put->records[i].shard_id, shard.shard_id);
      EXPECT_EQ(put->records[i].sequence_number, r.sequence_number);
      ++read_back;
    }
  }
  EXPECT_EQ(read_back, 500u);

  // Limits are checked before anything is sent.
  const uint64_t sent_before = client->http_stats().requests_sent;
  std::vector<PutRecordsEntry> bad = {{"x", "", ""}};
  auto rejected = RunToCompletion<PutRecordsOutput>(
      io, [&](auto done) { client->PutRecords("s", bad, StreamLimits{}, std::move(done)); });
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().type, "InvalidPartitionKey");
  EXPECT_EQ(client->http_stats().requests_sent, sent_before);

  auto missing = RunToCompletion<StreamSummary>(
      io, [&](auto done) { client->DescribeStreamSummary("nope", std::move(done)); });
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().type, "ResourceNotFoundException");
  EXPECT_FALSE(missing.error().retryable);

  auto deleted = RunToCompletion<Empty>(io, [&](auto done) { client->DeleteStream("s", std::move(done)); });
  EXPECT_TRUE(deleted.ok()) << deleted.error().ToString();
}

TEST(KinesisClientIntegration, ReusesConnectionsAndRunsRequestsConcurrently) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("s", 2));
  boost::asio::io_context io;
  auto client = MakeClient(io, emulator.endpoint());
  ASSERT_TRUE(client);
  // 100 sequential calls use one connection.
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(RunToCompletion<StreamSummary>(io, [&](auto done) {
                  client->DescribeStreamSummary("s", std::move(done));
                }).ok());
  }
  EXPECT_EQ(client->http_stats().connections_opened, 1u);
  // 40 concurrent PutRecords use several connections, at most the pool size (8).
  int finished = 0, failed = 0;
  const std::string payload(1000, 'x');
  std::vector<PutRecordsEntry> entries(100, PutRecordsEntry{payload, "k", ""});
  for (int i = 0; i < 40; ++i) {
    client->PutRecords("s", entries, StreamLimits{}, [&](AwsResult<PutRecordsOutput> r) {
      ++finished;
      failed += !r.ok() || r->failed_record_count != 0;
    });
  }
  while (finished < 40 && io.run_one() > 0) {
  }
  EXPECT_EQ(finished, 40);
  EXPECT_EQ(failed, 0);
  EXPECT_GT(client->http_stats().connections_opened, 1u);
  EXPECT_LE(client->http_stats().connections_opened, 1u + 8u);
}

TEST(KinesisClientIntegration, ConnectionRefusedIsRetryable) {
  boost::asio::io_context io;
  auto client = MakeClient(io, "http://127.0.0.1:" + std::to_string(testing::FreeLoopbackPort()));
  ASSERT_TRUE(client);
  auto r = RunToCompletion<StreamSummary>(
      io, [&](auto done) { client->DescribeStreamSummary("s", std::move(done)); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, AwsError::Kind::kTransport);
  EXPECT_TRUE(r.error().retryable);
}

TEST(KinesisClientIntegration, VerifiesTlsCertificates) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("s", 1));
  testing::TempDir dir;
  const auto d = dir.path().string();
  std::string out;
  // A test CA and a server certificate for 127.0.0.1 signed by it.
  ASSERT_EQ(
      testing::RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=streamhook test CA", "-keyout", d + "/ca.key", "-out", d + "/ca.pem"},
                          &out),
      0)
      << out;
  ASSERT_EQ(testing::RunCommand({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                                 "-keyout", d + "/server.key", "-out", d + "/server.csr"},
                                &out),
            0)
      << out;
  {
    FILE* ext = std::fopen((d + "/ext.cnf").c_str(), "w");
    std::fputs("subjectAltName=IP:127.0.0.1\n", ext);
    std::fclose(ext);
  }
  ASSERT_EQ(testing::RunCommand({"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem",
                                 "-CAkey", d + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile",
                                 d + "/ext.cnf", "-out", d + "/server.pem"},
                                &out),
            0)
      << out;
  const int port = testing::FreeLoopbackPort();
  testing::ChildProcess proxy({"node", (testing::SourceDir() / "tests/support/tls-proxy.js").string(),
                               std::to_string(port), std::to_string(emulator.port()), d + "/server.pem",
                               d + "/server.key"});
  ASSERT_TRUE(testing::WaitForPort(port, std::chrono::seconds(10)));
  const std::string url = "https://127.0.0.1:" + std::to_string(port);

  boost::asio::io_context io;
  auto untrusted = MakeClient(io, url);
  auto refused = RunToCompletion<StreamSummary>(
      io, [&](auto done) { untrusted->DescribeStreamSummary("s", std::move(done)); });
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("TLS handshake"), std::string::npos) << refused.error().ToString();

  auto trusted = MakeClient(io, url, d + "/ca.pem");
  auto ok = RunToCompletion<StreamSummary>(
      io, [&](auto done) { trusted->DescribeStreamSummary("s", std::move(done)); });
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(ok->stream_name, "s");

  KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = url;
  options.http.ca_file = d + "/missing.pem";
  EXPECT_FALSE(
      KinesisClient::Create(io.get_executor(), options,
                            MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}))
          .ok());
}

}  // namespace
}  // namespace streamhook::aws
