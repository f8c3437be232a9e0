// Done-when 3: every bad input gets its status, code and a message that names the problem, and
// nothing of a refused request reaches the stream.
#include <simdjson.h>

#include <cstdio>
#include <set>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

struct BadCase {
  std::string what;
  std::string path;
  std::string body;
  bool with_write_key = true;
  std::set<int> statuses;                       // any of these
  std::string code;                             // the error's "code"
  std::string message_has;                      // a piece the message must contain
  std::optional<int64_t> index = std::nullopt;  // the offending item of a batch
};

std::string Padding(size_t bytes) {
  return std::string(bytes, 'x');
}

// A track event whose JSON is a little over `bytes`.
std::string BigTrack(const std::string& id, size_t bytes) {
  return R"({"type":"track","userId":"u1","event":"Big","messageId":")" + id + R"(","properties":{"blob":")" +
         Padding(bytes) + R"("}})";
}

std::vector<BadCase> BadIngestCases() {
  std::vector<BadCase> cases;
  const std::string good_track = R"({"userId":"u1","event":"Signed Up","messageId":"bad-noauth"})";
  cases.push_back({"no write key", "/v1/track", good_track, false, {401}, "unauthorized", "write key"});
  cases.push_back({"bad JSON",
                   "/v1/track",
                   R"({"userId":"u1","event":"Signed Up","messageId":"bad-json")",
                   true,
                   {400},
                   "invalid_json",
                   "JSON"});
  cases.push_back(
      {"body not an object", "/v1/track", R"(["bad-array"])", true, {400}, "not_an_object", "object"});
  cases.push_back({"number beyond 64 bits",
                   "/v1/group",
                   R"({"userId":"u1","groupId":66666666666666666666666666,"messageId":"bad-bignum"})",
                   true,
                   {400},
                   "invalid_json",
                   "out of range"});
  cases.push_back({"batch item not an object",
                   "/v1/batch",
                   R"({"batch":["bad-item"]})",
                   true,
                   {400},
                   "not_an_object",
                   "batch[0]",
                   0});
  cases.push_back({"no userId or anonymousId",
                   "/v1/track",
                   R"({"event":"Signed Up","messageId":"bad-nouser"})",
                   true,
                   {400},
                   "no_user_anon_id",
                   "userId"});
  cases.push_back({"track without event",
                   "/v1/track",
                   R"({"userId":"u1","messageId":"bad-noevent"})",
                   true,
                   {400},
                   "missing_event",
                   "event"});
  cases.push_back({"event over 32 KB",
                   "/v1/track",
                   R"({"userId":"u1","event":"Big","messageId":"bad-big-single","properties":{"blob":")" +
                       Padding(33 * 1024) + R"("}})",
                   true,
                   {400, 413},
                   "event_too_large",
                   "32"});
  cases.push_back({"batch item over 32 KB",
                   "/v1/batch",
                   R"({"batch":[)" + BigTrack("bad-big-item", 33 * 1024) + "]}",
                   true,
                   {400, 413},
                   "event_too_large",
                   "32",
                   0});
  std::string big_batch = R"({"batch":[)";
  for (int i = 0; i < 20; ++i)
    big_batch += (i ? "," : "") + BigTrack("bad-big-batch-" + std::to_string(i), 30000);
  big_batch += "]}";
  cases.push_back({"batch over 500 KB", "/v1/batch", big_batch, true, {413}, "batch_too_large", "500"});
  cases.push_back({"batch over 2,500 events",
                   "/v1/batch",
                   TrackBatchJson(NumberedIds("bad-many-", 2501), "u", 7),
                   true,
                   {400},
                   "too_many_events",
                   "2500"});
  std::vector<std::string> ids = NumberedIds("bad-one-", 10);
  std::string one_bad = TrackBatchJson(ids, "u", 3);
  // Item 6 loses its event name: the whole batch must be refused.
  const std::string item6 = R"("event":"Tick","messageId":"bad-one-6")";
  one_bad.replace(one_bad.find(item6), item6.size(), R"("messageId":"bad-one-6")");
  cases.push_back(
      {"one bad item in a batch", "/v1/batch", one_bad, true, {400}, "missing_event", "batch[6]", 6});
  cases.push_back(
      {"Netmera event without code",
       "/v1/events",
       R"([{"code":"purchase","userId":"u1","messageId":"bad-nm-0"},{"userId":"u1","messageId":"bad-nm-1"}])",
       true,
       {400},
       "missing_code",
       "code",
       1});
  cases.push_back({"message log with an unknown status",
                   "/v1/message-logs",
                   R"([{"id":"bad-log-0","status":"bounced","userId":"u1"}])",
                   true,
                   {400},
                   "invalid_status",
                   "status"});
  return cases;
}

class BadInputTest : public ServeTest {};

void CheckError(const BadCase& c, const HttpReply& reply) {
  SCOPED_TRACE(c.what);
  ASSERT_TRUE(reply.ok()) << reply.error;
  EXPECT_TRUE(c.statuses.count(reply.status)) << "status " << reply.status << ": " << reply.body;
  simdjson::dom::parser parser;
  simdjson::dom::element e;
  ASSERT_EQ(parser.parse(reply.body).get(e), simdjson::SUCCESS) << "not JSON: " << reply.body;
  bool success = true;
  EXPECT_EQ(e["success"].get(success), simdjson::SUCCESS);
  EXPECT_FALSE(success);
  std::string_view code, message;
  EXPECT_EQ(e["code"].get(code), simdjson::SUCCESS) << reply.body;
  EXPECT_EQ(code, c.code) << reply.body;
  EXPECT_EQ(e["message"].get(message), simdjson::SUCCESS) << reply.body;
  EXPECT_NE(message.find(c.message_has), std::string_view::npos)
      << "message should name " << c.message_has << ": " << message;
  if (c.index) {
    int64_t index = -1;
    EXPECT_EQ(e["index"].get(index), simdjson::SUCCESS) << reply.body;
    EXPECT_EQ(index, *c.index) << reply.body;
  }
  std::printf("[e2e] %-36s -> %d %s: %.120s\n", c.what.c_str(), reply.status, std::string(code).c_str(),
              std::string(message).c_str());
}

TEST_F(BadInputTest, EveryBadInputGetsItsStatusAndMessageAndNothingIsStored) {
  ASSERT_TRUE(StartAll({{"bad-input", 1}}));
  const std::string hook = CreateHook(R"({"name":"all","streamName":"bad-input","triggers":)" +
                                      std::string(kAllTriggersJson) + R"(,"batch":{"lingerMs":10}})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));

  for (const BadCase& c : BadIngestCases()) {
    CheckError(c, server().Post(c.path, c.body, c.with_write_key ? write_key() : ""));
  }
  // A write key that names no source is as good as none.
  CheckError(
      {"unknown write key",
       "/v1/track",
       R"({"userId":"u1","event":"e","messageId":"bad-key"})",
       true,
       {401},
       "unauthorized",
       "write key"},
      server().Post("/v1/track", R"({"userId":"u1","event":"e","messageId":"bad-key"})", "wk_not_a_key"));

  // The admin API: no token, a wrong token, an unknown field (top level and nested).
  const std::string hook_body = R"({"name":"h","streamName":"bad-input","triggers":["TRACK"])";
  HttpReply reply = server().Admin("GET", "/admin/v1/hooks", {}, "");
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_NE(reply.body.find("unauthorized"), std::string::npos) << reply.body;
  reply = server().Admin("POST", "/admin/v1/hooks", hook_body + "}", "not-the-admin-token-at-all");
  EXPECT_EQ(reply.status, 401) << reply.body;
  reply = server().Admin("POST", "/admin/v1/hooks", hook_body + R"(,"colour":"red"})");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_NE(reply.body.find(R"("field":"colour")"), std::string::npos) << reply.body;
  std::printf("[e2e] admin hook with an unknown field -> %d %s\n", reply.status, reply.body.c_str());
  reply =
      server().Admin("POST", "/admin/v1/hooks", hook_body + R"(,"batch":{"maxRecords":10,"lingerMS":5}})");
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_NE(reply.body.find("batch.lingerMS"), std::string::npos) << reply.body;
  reply = server().Admin("GET", "/admin/v1/hooks");
  EXPECT_EQ(reply.body.find(R"("name":"h")"), std::string::npos)
      << "a refused hook was created: " << reply.body;

  // One good event after all the bad ones: once it is delivered, anything stored before it would be too.
  reply = Post("/v1/track", R"({"userId":"u1","event":"Signed Up","messageId":"good-marker"})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));
  const std::map<std::string, int> counts = CountMessageIds(ReadStream("bad-input"));
  for (const auto& [id, n] : counts)
    EXPECT_EQ(id, "good-marker") << "a refused request's event was delivered";
  EXPECT_EQ(counts.count("good-marker") ? counts.at("good-marker") : 0, 1);
  EXPECT_EQ(server().Metric("streamhook_events_accepted_total"), 1);
}

}  // namespace
}  // namespace streamhook::e2e
