// Dead letters end to end: records that cannot be sent are kept; `streamhook dlq` lists and shows
// them, replays them once the cause is fixed (each reaches the stream exactly once) and purges.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using testing::RunCommand;
using testing::StreamhookBinary;

class DeadLetterTest : public ServeTest {
 protected:
  // Runs `streamhook dlq <args>` against the server; returns its exit code, *output gets stdout+stderr.
  int Dlq(std::vector<std::string> args, std::string* output) {
    std::vector<std::string> argv = {StreamhookBinary().string(), "dlq"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--url=http://127.0.0.1:" + std::to_string(server().port()));
    output->clear();
    return RunCommand(argv, output, {{"STREAMHOOK_ADMIN_TOKEN", std::string(kAdminToken)}}, true,
                      std::chrono::seconds(120));
  }

  uint64_t Total(const std::string& hook) {
    std::string out;
    EXPECT_EQ(Dlq({"list", hook, "--json"}, &out), 0) << out;
    simdjson::dom::parser parser;
    uint64_t total = UINT64_MAX;
    EXPECT_EQ(parser.parse(out)["total"].get_uint64().get(total), simdjson::SUCCESS) << out;
    return total;
  }
};

TEST_F(DeadLetterTest, ListShowReplayAfterTheFixAndPurge) {
  ASSERT_TRUE(StartAll({{"dlq-events", 2}}));
  // The pointer finds nothing in these events: every record is dead-lettered ("no partition key").
  const std::string hook = CreateHook(
      R"({"name":"dlq","streamName":"dlq-events","triggers":["TRACK"],"partitionKey":"/properties/accountId"})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));
  const std::vector<std::string> ids = NumberedIds("dl-", 40);
  HttpReply reply = Post("/v1/batch", TrackBatchJson(ids, "user-", 7));
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  ASSERT_TRUE(WaitForMetric("streamhook_records_dead_lettered_total", hook, 40));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));  // the cursor passed them: they are kept
  EXPECT_EQ(Total(hook), 40u);

  std::string out;
  ASSERT_EQ(Dlq({"list", hook, "--limit=5"}, &out), 0) << out;
  EXPECT_NE(out.find("40 dead letters for hook " + hook), std::string::npos) << out;
  EXPECT_NE(out.find("dl-0"), std::string::npos) << out;
  ASSERT_EQ(Dlq({"show", hook, "3"}, &out), 0) << out;
  EXPECT_NE(out.find("no partition key"), std::string::npos) << out;
  EXPECT_NE(out.find("\"messageId\":\"" + ids[3] + "\""), std::string::npos) << out;
  EXPECT_NE(Dlq({"show", hook, "40"}, &out), 0) << "index past the end must fail: " << out;
  EXPECT_NE(Dlq({"list", "no-such-hook"}, &out), 0) << out;

  // Fix the cause, then replay half, then the rest.
  reply = server().Admin("PATCH", "/admin/v1/hooks/" + hook, R"({"partitionKey":"userId"})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  ASSERT_EQ(Dlq({"replay", hook, "--up-to=15"}, &out), 0) << out;
  EXPECT_NE(out.find("15 dead letters queued"), std::string::npos) << out;
  EXPECT_NE(out.find("15/15 replayed"), std::string::npos) << out;
  EXPECT_EQ(Total(hook), 25u);
  ASSERT_EQ(Dlq({"replay", hook}, &out), 0) << out;
  EXPECT_NE(out.find("25/25 replayed"), std::string::npos) << out;
  EXPECT_EQ(Total(hook), 0u);
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));

  const std::map<std::string, int> counts = CountMessageIds(ReadStream("dlq-events"));
  size_t missing = 0, duplicated = 0;
  for (const std::string& id : ids) {
    const auto it = counts.find(id);
    if (it == counts.end())
      ++missing;
    else if (it->second > 1)
      ++duplicated;
  }
  std::printf("[e2e] dead letters: 40 kept, 40 replayed, %zu missing, %zu duplicated on the stream\n",
              missing, duplicated);
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(duplicated, 0u);

  // Purge: needs --yes, then removes what is there.
  reply = server().Admin("PATCH", "/admin/v1/hooks/" + hook, R"({"partitionKey":"/properties/accountId"})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  ASSERT_EQ(Post("/v1/batch", TrackBatchJson(NumberedIds("purge-", 3), "user-", 3)).status, 200);
  ASSERT_TRUE(WaitForMetric("streamhook_records_dead_lettered_total", hook, 43));
  EXPECT_EQ(Dlq({"purge", hook}, &out), 2) << out;
  EXPECT_EQ(Total(hook), 3u);
  ASSERT_EQ(Dlq({"purge", hook, "--yes"}, &out), 0) << out;
  EXPECT_NE(out.find("3 dead letters purged"), std::string::npos) << out;
  EXPECT_EQ(Total(hook), 0u);
}

TEST_F(DeadLetterTest, CliWithoutTokenSaysWhereItLooked) {
  std::string out;
  const int code =
      RunCommand({StreamhookBinary().string(), "dlq", "list", "some-hook", "--data-dir=/nonexistent"}, &out,
                 {{"STREAMHOOK_ADMIN_TOKEN", ""}}, true, std::chrono::seconds(30));
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("STREAMHOOK_ADMIN_TOKEN"), std::string::npos) << out;
  EXPECT_NE(out.find("/nonexistent/admin.token"), std::string::npos) << out;
}

}  // namespace
}  // namespace streamhook::e2e
