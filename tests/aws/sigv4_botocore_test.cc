// Cross-checks the signer against botocore (Debian's python3-botocore) as an independent
// implementation: random Kinesis requests are signed here and by tests/aws/botocore_sign.py, and
// every Authorization header must match. The seed is printed; STREAMHOOK_TEST_SEED replays a run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "aws/sigv4.h"
#include "common/json_writer.h"
#include "support/test_env.h"

namespace streamhook::aws {
namespace {

constexpr int kRequestCount = 400;

constexpr std::string_view kRegions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",      "af-south-1",
    "ap-east-1",      "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2",
    "ap-southeast-3", "ap-southeast-4", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1",   "ca-west-1",      "eu-central-1",   "eu-central-2",   "eu-west-1",
    "eu-west-2",      "eu-west-3",      "eu-south-1",     "eu-south-2",     "eu-north-1",
    "il-central-1",   "me-south-1",     "me-central-1",   "sa-east-1",      "cn-north-1",
    "cn-northwest-1", "us-gov-west-1",  "us-gov-east-1"};
constexpr std::string_view kOperations[] = {
    "PutRecords",      "PutRecord",           "ListShards",    "DescribeStreamSummary",
    "DescribeStream",  "ListStreams",         "CreateStream",  "DeleteStream",
    "GetRecords",      "GetShardIterator",    "SplitShard",    "UpdateShardCount",
    "AddTagsToStream", "ListStreamConsumers", "DescribeLimits"};
// Text for JSON strings: ASCII including quotes, backslashes and controls, and multi-byte UTF-8
// (2, 3 and 4 bytes).
constexpr std::string_view kTextPieces[] = {"a",    "Z",  "7", " ", "\"", "\\", "\n", "\t",
                                            "\x01", "/",  "é", "ß", "ü",  "Ж",  "λ",  "日",
                                            "本",   "語", "€", "😀", "🚀",  "👍",  "ﬁ",  "\u200b"};

class RandomRequests {
 public:
  explicit RandomRequests(uint64_t seed) : rng_(seed) {}

  size_t Index(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::string Chars(std::string_view alphabet, size_t min, size_t max) {
    std::string out(std::uniform_int_distribution<size_t>(min, max)(rng_), ' ');
    for (char& c : out) c = alphabet[Index(alphabet.size())];
    return out;
  }

  std::string Text(size_t max_pieces) {
    std::string out;
    for (size_t n = Index(max_pieces + 1); n > 0; --n) out += kTextPieces[Index(std::size(kTextPieces))];
    return out;
  }

  std::string Body(std::string_view operation) {
    if (Chance(0.1)) return "";
    std::string body;
    JsonWriter json(&body);
    json.BeginObject();
    json.Key("StreamName");
    json.String("stream-" + Chars("abcdefghijklmnopqrstuvwxyz0123456789-_.", 1, 40));
    if (operation == "PutRecords" || operation == "PutRecord") {
      json.Key("Records");
      json.BeginArray();
      const size_t records = Chance(0.02) ? 500 : Index(20) + 1;  // now and then a large body
      for (size_t i = 0; i < records; ++i) {
        json.BeginObject();
        json.Key("Data");
        json.String(Base64Encode(Text(200)));
        json.Key("PartitionKey");
        json.String(Text(12) + Chars("0123456789", 1, 8));
        json.EndObject();
      }
      json.EndArray();
    } else {
      json.Key("Limit");
      json.Int(static_cast<int64_t>(Index(10000)));
      json.Key("Comment");
      json.String(Text(30));
    }
    json.EndObject();
    return body;
  }

  // Mostly "/", sometimes a path with dot segments, repeated slashes, spaces, '%' and UTF-8, so
  // both signers' normalization and encoding are compared too.
  std::string Path() {
    if (!Chance(0.15)) return "/";
    std::string path;
    for (size_t n = Index(5) + 1; n > 0; --n) {
      path += "/";
      switch (Index(6)) {
        case 0: path += "."; break;
        case 1: path += ".."; break;
        case 2: break;  // an empty segment: "//"
        case 3: path += "é%41 ~"; break;
        default: path += Chars("abcXYZ019-_.~ ", 1, 8);
      }
    }
    if (Chance(0.5)) path += "/";
    return path;
  }

  // botocore takes the URL's query as already encoded, so only unreserved characters are used.
  std::string Query() {
    if (!Chance(0.1)) return "";
    std::string query;
    for (size_t n = Index(4) + 1; n > 0; --n) {
      if (!query.empty()) query += "&";
      query += Chars("abcAB012-_.~", 1, 6);
      if (Chance(0.8)) query += "=" + Chars("abcAB012-_.~", 0, 6);
    }
    return query;
  }

 private:
  std::mt19937_64 rng_;
};

struct Case {
  SignableRequest request;
  std::string body;
  Credentials credentials;
  std::string region;
  std::chrono::system_clock::time_point time;
  std::string url;
  bool host_for_botocore = false;  // else botocore derives the host from the URL
};

uint64_t Seed() {
  if (const char* fixed = std::getenv("STREAMHOOK_TEST_SEED"); fixed && *fixed) return std::stoull(fixed);
  return (static_cast<uint64_t>(std::random_device()()) << 32) | std::random_device()();
}

std::vector<Case> MakeCases(uint64_t seed) {
  constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  RandomRequests random(seed);
  std::vector<Case> cases(kRequestCount);
  for (Case& c : cases) {
    c.region = kRegions[random.Index(std::size(kRegions))];
    const std::string_view operation = kOperations[random.Index(std::size(kOperations))];
    const bool temporary = random.Chance(0.5);
    c.credentials.access_key_id = (temporary ? "ASIA" : "AKIA") + random.Chars(kBase32, 16, 16);
    c.credentials.secret_access_key = random.Chars(kBase64, 40, 40);
    if (temporary) c.credentials.session_token = random.Chars(kBase64, 200, 800) + "==";
    // 2000-01-01 to 2099-12-31.
    c.time = std::chrono::system_clock::time_point(
        std::chrono::seconds(946684800 + static_cast<int64_t>(random.Index(3155760000))));
    const std::string host =
        "kinesis." + c.region + ".amazonaws.com" + (c.region.starts_with("cn-") ? ".cn" : "");
    c.body = random.Body(operation);
    c.request.method = "POST";
    c.request.path = random.Path();
    c.request.query = random.Query();
    c.request.headers = {{random.Chance(0.5) ? "host" : "Host", host},
                         {random.Chance(0.5) ? "content-type" : "Content-Type", "application/x-amz-json-1.1"},
                         {"X-Amz-Target", "Kinesis_20131202." + std::string(operation)}};
    if (random.Chance(0.3)) c.request.headers.emplace_back("User-Agent", "streamhook/0.1 test");
    c.host_for_botocore = random.Chance(0.5);
    c.url = "https://" + host + c.request.path + (c.request.query.empty() ? "" : "?" + c.request.query);
  }
  for (Case& c : cases) c.request.body = c.body;  // after the vector stopped moving
  return cases;
}

std::string RequestsJson(const std::vector<Case>& cases) {
  std::string out;
  JsonWriter json(&out);
  json.BeginArray();
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    json.BeginObject();
    json.Key("id");
    json.Uint(i);
    json.Key("method");
    json.String(c.request.method);
    json.Key("url");
    json.String(c.url);
    json.Key("headers");
    json.BeginObject();
    for (const auto& [name, value] : c.request.headers) {
      if (name == "host" || name == "Host") {
        if (!c.host_for_botocore) continue;
      }
      json.Key(name);
      json.String(value);
    }
    json.EndObject();
    json.Key("body_b64");
    json.String(Base64Encode(c.body));
    json.Key("access_key");
    json.String(c.credentials.access_key_id);
    json.Key("secret_key");
    json.String(c.credentials.secret_access_key);
    json.Key("token");
    json.String(c.credentials.session_token);
    json.Key("region");
    json.String(c.region);
    json.Key("service");
    json.String("kinesis");
    json.Key("amz_date");
    json.String(FormatAmzDate(c.time));
    json.EndObject();
  }
  json.EndArray();
  return out;
}

TEST(SigV4BotocoreTest, MatchesBotocoreOnRandomKinesisRequests) {
  const uint64_t seed = Seed();
  std::cout << "seed " << seed << " (set STREAMHOOK_TEST_SEED to replay)\n";
  std::vector<Case> cases = MakeCases(seed);

  streamhook::testing::TempDir dir;
  const auto requests_path = dir.path() / "requests.json";
  std::ofstream(requests_path, std::ios::binary) << RequestsJson(cases);
  const auto script = streamhook::testing::SourceDir() / "tests" / "aws" / "botocore_sign.py";
  std::string output;
  // /usr/bin/python3: Debian's interpreter, which has python3-botocore (not a pyenv one on PATH).
  const int exit_code = streamhook::testing::RunCommand(
      {"/usr/bin/python3", script.string(), requests_path.string()}, &output, {}, /*merge_stderr=*/true);
  ASSERT_EQ(exit_code, 0) << "botocore_sign.py failed:\n" << output;

  std::map<size_t, std::pair<std::string, std::string>> botocore;  // id -> (X-Amz-Date, Authorization)
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const size_t tab1 = line.find('\t');
    const size_t tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
    ASSERT_NE(tab2, std::string::npos) << "unexpected output line from botocore_sign.py: " << line;
    botocore[std::stoul(line.substr(0, tab1))] = {line.substr(tab1 + 1, tab2 - tab1 - 1),
                                                  line.substr(tab2 + 1)};
  }
  ASSERT_EQ(botocore.size(), cases.size());

  const std::map<std::string, SigV4Signer> signers = [&] {
    std::map<std::string, SigV4Signer> by_region;
    for (const auto& region : kRegions)
      by_region.emplace(region, SigV4Signer(std::string(region), "kinesis"));
    return by_region;
  }();
  size_t matched = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    Case& c = cases[i];
    SigningDetail detail;
    signers.at(c.region).Sign(c.credentials, c.time, &c.request, &detail);
    const auto& [amz_date, authorization] = botocore[i];
    EXPECT_EQ(FormatAmzDate(c.time), amz_date) << "request " << i;
    EXPECT_EQ(detail.authorization, authorization)
        << "request " << i << " " << c.url << "\nour canonical request:\n"
        << detail.canonical_request;
    matched += detail.authorization == authorization;
  }
  std::cout << matched << " requests cross-checked with botocore\n";
  EXPECT_EQ(matched, static_cast<size_t>(kRequestCount));
}

}  // namespace
}  // namespace streamhook::aws
