// streamhook tail against the emulators, with records written by independent clients
// (botocore, and aws-kinesis-agg + @aws-sdk/client-kinesis for aggregated records).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/kinesis_emulator.h"

namespace streamhook::testing {
namespace {

struct Written {
  std::string key, shard, seq;
  int64_t n;
};

struct Tailed {
  std::string shard, seq, key;
  int64_t n = -1;
  int sub = -1;
};

const std::map<std::string, std::string> kCredentials = {
    {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
    {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
    {"AWS_REGION", "us-east-1"},
    {"NODE_NO_WARNINGS", "1"}};

std::vector<Written> WriteWithBotocore(const KinesisEmulator& emulator, const std::string& stream, int count,
                                       int keys, int first) {
  std::string out;
  const int rc = RunCommand(
      {"/usr/bin/python3", (SourceDir() / "tests/cli/write_records.py").string(), emulator.endpoint(), stream,
       std::to_string(count), std::to_string(keys), std::to_string(first)},
      &out, {}, false);
  EXPECT_EQ(rc, 0) << out;
  std::vector<Written> written;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e)) continue;
    written.push_back({std::string(e["key"].get_string().value()),
                       std::string(e["shard"].get_string().value()),
                       std::string(e["seq"].get_string().value()), e["n"].get_int64().value()});
  }
  EXPECT_EQ(written.size(), static_cast<size_t>(count));
  return written;
}

// Runs `streamhook tail --format json` and parses its lines.
std::vector<Tailed> Tail(const KinesisEmulator& emulator, const std::string& stream,
                         std::vector<std::string> extra = {}, int* exit_code = nullptr,
                         std::string* raw = nullptr) {
  std::vector<std::string> argv = {StreamhookBinary().string(), "tail",     "--stream", stream, "--endpoint",
                                   emulator.endpoint(),         "--format", "json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  std::string out;
  const int rc = RunCommand(argv, &out, kCredentials, false);
  if (exit_code) *exit_code = rc;
  if (raw) *raw = out;
  std::vector<Tailed> tailed;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) {
      ADD_FAILURE() << "tail printed a line that is not JSON: " << line;
      continue;
    }
    Tailed t;
    t.shard = std::string(e["shardId"].get_string().value());
    t.seq = std::string(e["sequenceNumber"].get_string().value());
    t.key = std::string(e["partitionKey"].get_string().value());
    int64_t v;
    if (!e["data"]["n"].get_int64().get(v)) t.n = v;
    if (!e["data"]["agg"].get_int64().get(v)) t.n = v;
    if (!e["subSequence"].get_int64().get(v)) t.sub = static_cast<int>(v);
    tailed.push_back(std::move(t));
  }
  return tailed;
}

// Sequence numbers are decimals of up to 56 digits: compare by length, then text.
bool SeqLess(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

TEST(TailIntegration, ReadsEveryRecordOfFourShardsInShardOrder) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("events", 4));
  const auto written = WriteWithBotocore(emulator, "events", 1000, 37, 0);

  const auto started = std::chrono::steady_clock::now();
  int rc = -1;
  const auto tailed = Tail(emulator, "events", {}, &rc);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_EQ(rc, 0);
  std::printf("tail read %zu records from 4 shards in %lld ms\n", tailed.size(),
              static_cast<long long>(elapsed.count()));

  ASSERT_EQ(tailed.size(), written.size());
  std::map<std::string, Written> by_seq;
  std::set<std::string> shards;
  for (const auto& w : written) {
    by_seq[w.seq] = w;
    shards.insert(w.shard);
  }
  EXPECT_EQ(shards.size(), 4u) << "37 keys should spread over all 4 shards";
  std::map<std::string, std::string> last_seq_per_shard;
  std::map<std::string, int64_t> last_n_per_key;
  for (const auto& t : tailed) {
    auto it = by_seq.find(t.seq);
    ASSERT_NE(it, by_seq.end()) << "tail printed a record nobody wrote: " << t.seq;
    EXPECT_EQ(it->second.shard, t.shard);
    EXPECT_EQ(it->second.key, t.key);
    EXPECT_EQ(it->second.n, t.n);
    by_seq.erase(it);  // each exactly once
    auto& last = last_seq_per_shard[t.shard];
    EXPECT_TRUE(last.empty() || SeqLess(last, t.seq)) << "shard " << t.shard << " out of order";
    last = t.seq;
    auto [key_it, first] = last_n_per_key.try_emplace(t.key, t.n);
    if (!first) {
      EXPECT_LT(key_it->second, t.n) << "key " << t.key << " out of order";
      key_it->second = t.n;
    }
  }
  EXPECT_TRUE(by_seq.empty());

  // --limit stops early; --from latest shows nothing that was written before.
  EXPECT_EQ(Tail(emulator, "events", {"--limit", "10"}).size(), 10u);
  EXPECT_EQ(Tail(emulator, "events", {"--from", "latest"}).size(), 0u);
}

TEST(TailIntegration, SplitsAggregatedRecordsFromAnIndependentEncoder) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  ASSERT_TRUE(emulator.CreateStream("agg", 2));
  std::string out;
  ASSERT_EQ(RunCommand({"node", (SourceDir() / "tests/cli/put_aggregated.js").string(), emulator.endpoint(),
                        "agg", "25"},
                       &out, kCredentials),
            0)
      << out;
  const auto tailed = Tail(emulator, "agg");
  ASSERT_EQ(tailed.size(), 25u);
  for (size_t i = 0; i < tailed.size(); ++i) {
    EXPECT_EQ(tailed[i].n, static_cast<int64_t>(i));
    EXPECT_EQ(tailed[i].sub, static_cast<int>(i));
    EXPECT_EQ(tailed[i].key, "agg-user-" + std::to_string(i % 3));
  }
}

TEST(TailIntegration, ClearErrors) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesalite);
  ASSERT_TRUE(emulator.ok());
  int rc = 0;
  std::string out;
  RunCommand({StreamhookBinary().string(), "tail", "--stream", "missing", "--endpoint", emulator.endpoint()},
             &out, kCredentials);
  EXPECT_NE(out.find("stream 'missing' does not exist"), std::string::npos) << out;

  out.clear();
  rc = RunCommand({StreamhookBinary().string(), "tail", "--stream", "s", "--endpoint",
                   "http://127.0.0.1:" + std::to_string(FreeLoopbackPort())},
                  &out, kCredentials);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("cannot reach Kinesis"), std::string::npos) << out;

  out.clear();
  rc = RunCommand({StreamhookBinary().string(), "tail", "--stream", "s", "--endpoint", emulator.endpoint()},
                  &out,
                  {{"AWS_ACCESS_KEY_ID", ""},
                   {"AWS_SECRET_ACCESS_KEY", ""},
                   {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                   {"AWS_CONFIG_FILE", "/nonexistent"},
                   {"AWS_PROFILE", ""},
                   {"AWS_WEB_IDENTITY_TOKEN_FILE", ""},
                   {"AWS_EC2_METADATA_DISABLED", "true"}});  // an EC2 CI machine has an instance role
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("credentials"), std::string::npos) << out;
}

TEST(TailIntegration, FollowsChildShardsAfterAReshard) {
  KinesisEmulator emulator(KinesisEmulator::Kind::kKinesisLocal, "events:4");
  ASSERT_TRUE(emulator.ok());
  auto before = WriteWithBotocore(emulator, "events", 200, 11, 0);
  std::string out;
  ASSERT_EQ(emulator.Aws({"kinesis", "update-shard-count", "--stream-name", "events", "--target-shard-count",
                          "8", "--scaling-type", "UNIFORM_SCALING"},
                         &out),
            0)
      << out;
  for (int i = 0; i < 100; ++i) {  // wait until the stream is ACTIVE again
    out.clear();
    emulator.Aws({"kinesis", "describe-stream-summary", "--stream-name", "events"}, &out);
    if (out.find("\"ACTIVE\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto after = WriteWithBotocore(emulator, "events", 200, 11, 200);
  std::set<std::string> child_shards;
  for (const auto& w : after) child_shards.insert(w.shard);
  for (const auto& w : before)
    EXPECT_EQ(child_shards.count(w.shard), 0u) << "writes after the reshard went to new shards";

  const auto tailed = Tail(emulator, "events");
  ASSERT_EQ(tailed.size(), 400u);
  std::map<std::string, int64_t> last_n_per_key;
  for (const auto& t : tailed) {
    auto [it, first] = last_n_per_key.try_emplace(t.key, t.n);
    if (!first) {
      EXPECT_LT(it->second, t.n) << "key " << t.key << ": a child shard was read before its parent";
      it->second = t.n;
    }
  }
}

}  // namespace
}  // namespace streamhook::testing
