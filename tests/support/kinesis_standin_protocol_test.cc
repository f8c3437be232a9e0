// The stand-in as a Kinesis: record placement checked against an independent MD5 -> shard
// computation, per-shard throttling, stream management, malformed input, and HTTPS.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>

#include "aws/kinesis_client.h"
#include "support/kinesis_standin.h"

namespace streamhook::testing {
namespace {

using aws::PutRecordsEntry;
using aws::PutRecordsOutput;
using aws::RunToCompletion;
using aws::Shard;
using uint128 = unsigned __int128;

std::unique_ptr<aws::KinesisClient> MakeClient(boost::asio::io_context& io, const KinesisStandin& standin,
                                               const std::string& ca_file = "") {
  aws::KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = standin.endpoint();
  options.http.connect_timeout = std::chrono::milliseconds(2000);
  options.http.ca_file = ca_file;
  auto client = aws::KinesisClient::Create(
      io.get_executor(), options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

// MD5 of the key as a 128-bit big-endian number, as Kinesis hashes partition keys.
uint128 PartitionHash(const std::string& key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(key.data(), key.size(), digest, &length, EVP_md5(), nullptr), 1);
  uint128 value = 0;
  for (unsigned int i = 0; i < length; ++i) value = (value << 8) | digest[i];
  return value;
}

uint128 ParseDecimal(const std::string& text) {
  uint128 value = 0;
  for (char c : text) value = value * 10 + static_cast<unsigned>(c - '0');
  return value;
}

// The shard whose hash key range holds `hash`, or "" when none does.
std::string ShardFor(uint128 hash, const std::vector<Shard>& shards) {
  for (const auto& s : shards) {
    if (ParseDecimal(s.starting_hash_key) <= hash && hash <= ParseDecimal(s.ending_hash_key))
      return s.shard_id;
  }
  return "";
}

// Sequence numbers are decimal strings: longer is larger, equal lengths compare as text.
bool SequenceLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

std::vector<Shard> ListShards(boost::asio::io_context& io, aws::KinesisClient& client,
                              const std::string& stream, int page_size = 0) {
  auto shards = RunToCompletion<std::vector<Shard>>(
      io, [&](auto done) { client.ListShards(stream, std::move(done), page_size); });
  EXPECT_TRUE(shards.ok()) << shards.error().ToString();
  return shards.ok() ? *shards : std::vector<Shard>{};
}

TEST(KinesisStandinProtocol, PlacesRecordsByMd5OfThePartitionKey) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  const auto shards = ListShards(io, *client, "events");
  ASSERT_EQ(shards.size(), 4u);
  EXPECT_EQ(shards[0].shard_id, "shardId-000000000000");
  EXPECT_EQ(shards[3].shard_id, "shardId-000000000003");
  EXPECT_EQ(shards[0].starting_hash_key, "0");
  EXPECT_EQ(shards[0].ending_hash_key, "85070591730234615865843651857942052863");   // 2^128/4 - 1
  EXPECT_EQ(shards[3].ending_hash_key, "340282366920938463463374607431768211455");  // 2^128 - 1

  std::vector<std::string> keys, data;
  for (int i = 0; i < 200; ++i) {
    keys.push_back("user-" + std::to_string(i) + "-\xc3\xa9");  // UTF-8 keys hash as their bytes
    data.push_back("{\"n\":" + std::to_string(i) + "}");
  }
  // Two more placed by ExplicitHashKey, at the edges of shards 2 and 1.
  keys.push_back("ignored");
  data.push_back("explicit-start-of-2");
  keys.push_back("ignored");
  data.push_back("explicit-end-of-1");
  std::vector<PutRecordsEntry> entries;
  for (size_t i = 0; i < keys.size(); ++i) entries.push_back({data[i], keys[i], ""});
  entries[200].explicit_hash_key = shards[2].starting_hash_key;
  entries[201].explicit_hash_key = shards[1].ending_hash_key;

  auto put = RunToCompletion<PutRecordsOutput>(
      io, [&](auto done) { client->PutRecords("events", entries, aws::StreamLimits{}, std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  ASSERT_EQ(put->records.size(), 202u);
  EXPECT_EQ(put->failed_record_count, 0);
  std::map<std::string, int> per_shard;
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(put->records[i].shard_id, ShardFor(PartitionHash(keys[i]), shards)) << keys[i];
    ++per_shard[put->records[i].shard_id];
  }
  EXPECT_EQ(per_shard.size(), 4u);  // 200 keys reach every shard
  EXPECT_EQ(put->records[200].shard_id, "shardId-000000000002");
  EXPECT_EQ(put->records[201].shard_id, "shardId-000000000001");

  // /_records has every record as sent, in order, with the answered shard and sequence number;
  // sequence numbers grow within each shard.
  const auto stored = standin.Records("events");
  ASSERT_EQ(stored.size(), 202u);
  std::map<std::string, std::string> last_sequence;
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].partition_key, keys[i]);
    EXPECT_EQ(stored[i].data, data[i]);
    EXPECT_EQ(stored[i].shard_id, put->records[i].shard_id);
    EXPECT_EQ(stored[i].sequence_number, put->records[i].sequence_number);
    auto& last = last_sequence[stored[i].shard_id];
    EXPECT_TRUE(last.empty() || SequenceLess(last, stored[i].sequence_number)) << last << " " << i;
    last = stored[i].sequence_number;
  }

  auto one = RunToCompletion<aws::PutRecordOutput>(io, [&](auto done) {
    client->PutRecord("events", {"single", "the-key", ""}, aws::StreamLimits{}, std::move(done));
  });
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  EXPECT_EQ(one->shard_id, ShardFor(PartitionHash("the-key"), shards));
  EXPECT_TRUE(SequenceLess(last_sequence[one->shard_id], one->sequence_number));
}

TEST(KinesisStandinProtocol, ThrottleShardsThrottlesEveryRecordOnThoseShards) {
  KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  const auto shards = ListShards(io, *client, "events");
  ASSERT_EQ(shards.size(), 4u);
  ASSERT_TRUE(standin.Control(R"({"throttleShards":["shardId-000000000001","shardId-000000000003"]})"));
  std::vector<std::string> keys;
  for (int i = 0; i < 100; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<PutRecordsEntry> entries;
  for (const auto& key : keys) entries.push_back({key, key, ""});
  auto put = RunToCompletion<PutRecordsOutput>(
      io, [&](auto done) { client->PutRecords("events", entries, aws::StreamLimits{}, std::move(done)); });
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  size_t expected_stored = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string shard = ShardFor(PartitionHash(keys[i]), shards);
    if (shard == "shardId-000000000001" || shard == "shardId-000000000003") {
      EXPECT_EQ(put->records[i].error_code, "ProvisionedThroughputExceededException") << keys[i];
    } else {
      EXPECT_TRUE(put->records[i].ok()) << keys[i];
      ++expected_stored;
    }
  }
  EXPECT_GT(expected_stored, 0u);
  EXPECT_LT(expected_stored, keys.size());
  EXPECT_EQ(standin.Records("events").size(), expected_stored);
}

TEST(KinesisStandinProtocol, StrictModeNeedsCreateStreamAndPagesShards) {
  StandinOptions options;
  options.shards = 2;
  options.strict = true;
  KinesisStandin standin(options);
  ASSERT_TRUE(standin.ok());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin);
  ASSERT_TRUE(client);
  auto describe = [&] {
    return RunToCompletion<aws::StreamSummary>(
        io, [&](auto done) { client->DescribeStreamSummary("s", std::move(done)); });
  };
  auto missing = describe();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().type, "ResourceNotFoundException");

  auto create = [&] {
    return RunToCompletion<aws::Empty>(io, [&](auto done) { client->CreateStream("s", 3, std::move(done)); });
  };
  ASSERT_TRUE(create().ok());
  auto twice = create();
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().type, "ResourceInUseException");
  auto summary = describe();
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->open_shard_count, 3);
  EXPECT_EQ(summary->stream_status, "ACTIVE");
  const auto shards = ListShards(io, *client, "s", 1);  // one shard per page
  ASSERT_EQ(shards.size(), 3u);
  for (size_t i = 1; i < shards.size(); ++i) {
    EXPECT_EQ(ParseDecimal(shards[i].starting_hash_key), ParseDecimal(shards[i - 1].ending_hash_key) + 1);
  }
  EXPECT_EQ(shards[2].shard_id, "shardId-000000000002");

  ASSERT_TRUE(
      RunToCompletion<aws::Empty>(io, [&](auto done) { client->DeleteStream("s", std::move(done)); }).ok());
  EXPECT_FALSE(describe().ok());
}

TEST(KinesisStandinProtocol, AnswersMalformedRequestsLikeKinesisAndKeepsRunning) {
  KinesisStandin standin;
  ASSERT_TRUE(standin.ok());
  const std::vector<std::pair<std::string, std::string>> signed_put = {
      {"Content-Type", "application/x-amz-json-1.1"},
      {"X-Amz-Target", "Kinesis_20131202.PutRecords"},
      {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kinesis/aws4_request"}};
  auto unsigned_put = signed_put;
  unsigned_put.pop_back();
  const std::string good = R"({"StreamName":"s","Records":[{"Data":"YQ==","PartitionKey":"a"}]})";

  auto reply = standin.Send("POST", "/", good, unsigned_put);
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("MissingAuthenticationTokenException"), std::string::npos) << reply.body;
  for (const std::string bad : {"{\"StreamName\":", "[1,2]", "null", "\xff\xfe"}) {
    reply = standin.Send("POST", "/", bad, signed_put);
    EXPECT_EQ(reply.status, 400) << bad;
    EXPECT_NE(reply.body.find("SerializationException"), std::string::npos) << reply.body;
  }
  reply = standin.Send("POST", "/", R"({"StreamName":"s","Records":[{"Data":"Y","PartitionKey":"a"}]})",
                       signed_put);
  EXPECT_NE(reply.body.find("SerializationException"), std::string::npos) << reply.body;
  reply = standin.Send("POST", "/", R"({"StreamName":"s","Records":[]})", signed_put);
  EXPECT_NE(reply.body.find("ValidationException"), std::string::npos) << reply.body;
  reply = standin.Send("POST", "/",
                       R"({"StreamName":"s","Records":[{"Data":"YQ==","PartitionKey":"a",)"
                       R"("ExplicitHashKey":"340282366920938463463374607431768211456"}]})",
                       signed_put);
  EXPECT_NE(reply.body.find("InvalidArgumentException"), std::string::npos) << reply.body;
  auto unknown = signed_put;
  unknown[1].second = "Kinesis_20131202.GetRecords";
  reply = standin.Send("POST", "/", "{}", unknown);
  EXPECT_NE(reply.body.find("UnknownOperationException"), std::string::npos) << reply.body;

  // The control API refuses what it does not know, naming the fields it does.
  reply = standin.Send("POST", "/_control", R"({"throttleShare":2})");
  EXPECT_EQ(reply.status, 400);
  reply = standin.Send("POST", "/_control", R"({"throtleShare":0.5})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("throttleShare"), std::string::npos) << reply.body;
  EXPECT_EQ(standin.Send("GET", "/_records", "").status, 400);

  // Still serving, and none of the above stored anything.
  reply = standin.Send("POST", "/", good, signed_put);
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(standin.Records("s").size(), 1u);
}

TEST(KinesisStandinProtocol, ServesHttpsWithControlOnAPlainPort) {
  TempDir dir;
  const auto d = dir.path().string();
  std::string out;
  ASSERT_EQ(RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                        "/CN=streamhook test CA", "-keyout", d + "/ca.key", "-out", d + "/ca.pem"},
                       &out),
            0)
      << out;
  ASSERT_EQ(RunCommand({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-keyout", d + "/server.key", "-out", d + "/server.csr"},
                       &out),
            0)
      << out;
  {
    FILE* ext = std::fopen((d + "/ext.cnf").c_str(), "w");
    ASSERT_NE(ext, nullptr);
    std::fputs("subjectAltName=IP:127.0.0.1\n", ext);
    std::fclose(ext);
  }
  ASSERT_EQ(RunCommand({"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey",
                        d + "/ca.key", "-CAcreateserial", "-days", "2", "-extfile", d + "/ext.cnf", "-out",
                        d + "/server.pem"},
                       &out),
            0)
      << out;

  StandinOptions options;
  options.shards = 2;
  options.tls_cert_file = d + "/server.pem";
  options.tls_key_file = d + "/server.key";
  KinesisStandin standin(options);
  ASSERT_TRUE(standin.ok());
  EXPECT_EQ(standin.endpoint().rfind("https://127.0.0.1:", 0), 0u) << standin.endpoint();
  EXPECT_NE(standin.port(), standin.control_port());
  boost::asio::io_context io;
  auto client = MakeClient(io, standin, d + "/ca.pem");
  ASSERT_TRUE(client);
  auto one = RunToCompletion<aws::PutRecordOutput>(io, [&](auto done) {
    client->PutRecord("events", {"over tls", "k", ""}, aws::StreamLimits{}, std::move(done));
  });
  ASSERT_TRUE(one.ok()) << one.error().ToString();
  const auto stored = standin.Records("events");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].data, "over tls");
  EXPECT_EQ(stored[0].sequence_number, one->sequence_number);
}

}  // namespace
}  // namespace streamhook::testing
