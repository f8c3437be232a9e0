// A hook with aggregation on: its records reach the stream packed in the KPL format (fewer Kinesis
// records than events), and `streamhook tail` (a KPL-compatible reader) gets every event back,
// once, in per-user order.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <sstream>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using testing::RunCommand;
using testing::StreamhookBinary;

class AggregationTest : public ServeTest {};

TEST_F(AggregationTest, PackedRecordsComeBackWholeThroughTail) {
  ASSERT_TRUE(StartAll({{"agg-events", 3}}));
  const std::string hook = CreateHook(
      R"({"name":"agg","streamName":"agg-events","triggers":["TRACK"],"aggregation":{"enabled":true},)"
      R"("batch":{"lingerMs":200}})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));
  std::vector<std::string> ids;
  for (int batch = 0; batch < 6; ++batch) {
    const std::vector<std::string> part = NumberedIds("agg-" + std::to_string(batch) + "-", 50);
    ASSERT_EQ(Post("/v1/batch", TrackBatchJson(part, "user-", 12)).status, 200);
    ids.insert(ids.end(), part.begin(), part.end());
  }
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));

  const size_t kinesis_records = ReadStream("agg-events").size();
  std::string out;
  ASSERT_EQ(RunCommand({StreamhookBinary().string(), "tail", "--stream", "agg-events", "--endpoint",
                        emulator().endpoint(), "--region", "us-east-1", "--format", "json"},
                       &out, {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "secret"}},
                       false, std::chrono::seconds(60)),
            0)
      << out;
  // One line per user record: {"data": <event>, "partitionKey": ...}; count messageIds and order.
  std::map<std::string, int> seen;
  std::map<std::string, std::vector<std::string>> per_user;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element record;
    if (line.empty() || parser.parse(line).get(record) != simdjson::SUCCESS) continue;
    std::string_view id, user;
    if (record["data"]["messageId"].get_string().get(id) != simdjson::SUCCESS) continue;
    if (record["data"]["userId"].get_string().get(user) != simdjson::SUCCESS) user = "";
    ++seen[std::string(id)];
    per_user[std::string(user)].push_back(std::string(id));
  }
  size_t missing = 0, duplicated = 0;
  for (const std::string& id : ids) {
    if (seen.count(id) == 0)
      ++missing;
    else if (seen[id] > 1)
      ++duplicated;
  }
  // Sent order per user is the order of `ids` filtered by user.
  size_t out_of_order = 0;
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < ids.size(); ++i) position[ids[i]] = i;
  for (const auto& [user, list] : per_user) {
    for (size_t i = 1; i < list.size(); ++i)
      out_of_order += position[list[i]] < position[list[i - 1]] ? 1 : 0;
  }
  std::printf(
      "[e2e] aggregation: %zu events in %zu Kinesis records; tail read %zu user records: %zu missing, "
      "%zu duplicated, %zu out of order\n",
      ids.size(), kinesis_records, seen.size(), missing, duplicated, out_of_order);
  EXPECT_LT(kinesis_records, ids.size() / 4) << "records were not packed";
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(duplicated, 0u);
  EXPECT_EQ(out_of_order, 0u);
}

}  // namespace
}  // namespace streamhook::e2e
