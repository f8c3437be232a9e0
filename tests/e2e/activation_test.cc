// Done-when 2: while the connector is inactive or a hook disabled, events are not routed to it (and
// are counted); once it is active again only the events that arrive afterwards are delivered.
// Another hook that stays enabled receives everything.
#include <simdjson.h>

#include <cstdio>
#include <thread>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

std::string HookJson(const std::string& name, const std::string& stream, bool enabled) {
  return R"({"name":")" + name + R"(","type":"KINESIS","streamName":")" + stream + R"(","triggers":)" +
         std::string(kAllTriggersJson) + R"(,"payloadFormat":"segment","batch":{"lingerMs":20},"enabled":)" +
         (enabled ? "true" : "false") + "}";
}

class ActivationTest : public ServeTest {
 protected:
  void PostBatch(const std::vector<std::string>& ids) {
    const HttpReply reply = Post("/v1/batch", TrackBatchJson(ids, "user-", 5));
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  }
};

void ExpectExactly(const std::string& stream, const std::map<std::string, int>& counts,
                   const std::vector<std::vector<std::string>>& expected_groups,
                   const std::vector<std::string>& absent) {
  size_t expected_total = 0, total = 0;
  for (const auto& group : expected_groups) {
    for (const std::string& id : group) {
      const auto it = counts.find(id);
      EXPECT_EQ(it == counts.end() ? 0 : it->second, 1) << stream << ": " << id;
      ++expected_total;
    }
  }
  for (const std::string& id : absent)
    EXPECT_EQ(counts.count(id), 0u) << stream << ": " << id << " was delivered";
  for (const auto& [id, n] : counts) total += n;
  EXPECT_EQ(total, expected_total) << stream << " holds records nobody expected";
  std::printf("[e2e] stream %s: %zu records, %zu expected\n", stream.c_str(), total, expected_total);
}

TEST_F(ActivationTest, InactiveConnectorRoutesNothingUntilActiveAgain) {
  ASSERT_TRUE(StartAll({{"act-events", 1}}));
  const std::string hook = CreateHook(HookJson("all", "act-events", true));
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));

  const std::vector<std::string> before = NumberedIds("before-", 10);
  ASSERT_NO_FATAL_FAILURE(PostBatch(before));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));

  ASSERT_TRUE(PutConnector(false));
  const std::vector<std::string> while_off = NumberedIds("off-", 25);
  ASSERT_NO_FATAL_FAILURE(PostBatch(while_off));
  // Once the runner has seen them all as not routed, they can never be sent.
  ASSERT_TRUE(WaitForMetric("streamhook_events_not_routed_total", hook, 25));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::map<std::string, int> counts = CountMessageIds(ReadStream("act-events"));
  for (const std::string& id : while_off)
    EXPECT_EQ(counts.count(id), 0u) << id << " was delivered while inactive";

  ASSERT_TRUE(PutConnector(true));
  // Sent right after the PUT's answer: the connector is active for them.
  const std::vector<std::string> after = NumberedIds("on-", 25);
  ASSERT_NO_FATAL_FAILURE(PostBatch(after));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));
  counts = CountMessageIds(ReadStream("act-events"));
  ExpectExactly("act-events", counts, {before, after}, while_off);
  EXPECT_EQ(server().Metric("streamhook_events_not_routed_total", hook), 25);
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", hook), 35);
}

TEST_F(ActivationTest, DisabledHookRoutesNothingWhileAnotherHookGetsEverything) {
  ASSERT_TRUE(StartAll({{"dis-kept", 1}, {"dis-toggled", 1}}));
  const std::string kept = CreateHook(HookJson("kept", "dis-kept", true));
  const std::string toggled = CreateHook(HookJson("toggled", "dis-toggled", true));
  ASSERT_FALSE(kept.empty());
  ASSERT_FALSE(toggled.empty());
  ASSERT_TRUE(WaitForHookActive(kept, true));
  ASSERT_TRUE(WaitForHookActive(toggled, true));

  HttpReply reply = server().Admin("PATCH", "/admin/v1/hooks/" + toggled, R"({"enabled":false})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  EXPECT_NE(reply.body.find(R"("enabled":false)"), std::string::npos) << reply.body;
  const std::vector<std::string> while_off = NumberedIds("off-", 30);
  ASSERT_NO_FATAL_FAILURE(PostBatch(while_off));
  ASSERT_TRUE(WaitForMetric("streamhook_events_not_routed_total", toggled, 30));
  EXPECT_EQ(server().Metric("streamhook_events_not_routed_total", kept), 0);

  // PUT the whole hook back, enabled.
  reply = server().Admin("PUT", "/admin/v1/hooks/" + toggled, HookJson("toggled", "dis-toggled", true));
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  const std::vector<std::string> after = NumberedIds("on-", 30);
  ASSERT_NO_FATAL_FAILURE(PostBatch(after));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));

  ExpectExactly("dis-kept", CountMessageIds(ReadStream("dis-kept")), {while_off, after}, {});
  ExpectExactly("dis-toggled", CountMessageIds(ReadStream("dis-toggled")), {after}, while_off);
  EXPECT_EQ(server().Metric("streamhook_events_not_routed_total", toggled), 30);
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", kept), 60);
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", toggled), 30);
}

// messageId -> receivedAt of the Segment messages on a stream.
std::map<std::string, std::string> ReceivedAtById(const std::vector<StreamRecord>& records) {
  std::map<std::string, std::string> received;
  simdjson::dom::parser parser;
  for (const StreamRecord& r : records) {
    simdjson::dom::element message;
    std::string_view id, at;
    if (parser.parse(r.data).get(message) == simdjson::SUCCESS &&
        message["messageId"].get(id) == simdjson::SUCCESS &&
        message["receivedAt"].get(at) == simdjson::SUCCESS) {
      received[std::string(id)] = std::string(at);
    }
  }
  return received;
}

// A switch splits the events exactly where the admin call was answered: every event acknowledged
// before `enabled:false` is delivered, none acknowledged between it and `enabled:true`, also when
// an event and a switch fall into the same millisecond. An observer hook that stays enabled tells
// each event's receivedAt, to count how often that happened; rounds of switches go on until it did.
TEST_F(ActivationTest, SwitchSplitsEventsExactlyAtTheAdminAnswer) {
  // Without fsync an event and the next switch land in the same millisecond more often.
  ASSERT_TRUE(StartAll({{"switch-toggled", 1}, {"switch-observer", 1}}, {"--no-fsync"}));
  const std::string toggled = CreateHook(HookJson("toggled", "switch-toggled", true));
  const std::string observer = CreateHook(HookJson("observer", "switch-observer", true));
  ASSERT_FALSE(toggled.empty());
  ASSERT_FALSE(observer.empty());
  ASSERT_TRUE(WaitForHookActive(toggled, true));
  ASSERT_TRUE(WaitForHookActive(observer, true));

  // One switch: an event, enabled:false, an event, enabled:true; the switches' updatedAt.
  struct Switch {
    std::string before_off, while_off, off_at, on_at;
  };
  std::vector<Switch> switches;
  simdjson::dom::parser parser;
  auto toggle = [&](bool enabled, std::string* updated_at) {
    const HttpReply reply = server().Admin("PATCH", "/admin/v1/hooks/" + toggled,
                                           enabled ? R"({"enabled":true})" : R"({"enabled":false})");
    std::string_view at;
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
    ASSERT_EQ(parser.parse(reply.body).at_key("updatedAt").get(at), simdjson::SUCCESS) << reply.body;
    *updated_at = std::string(at);
  };
  auto post = [&](const std::string& id) {
    const HttpReply reply = Post("/v1/track", R"({"userId":"u1","event":"e","messageId":")" + id + "\"}");
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  };
  int ties = 0;
  for (int round = 0; round < 5 && ties == 0; ++round) {
    for (int i = 0; i < 100; ++i) {
      Switch s{"on-" + std::to_string(switches.size()), "off-" + std::to_string(switches.size()), {}, {}};
      ASSERT_NO_FATAL_FAILURE(post(s.before_off));
      ASSERT_NO_FATAL_FAILURE(toggle(false, &s.off_at));
      ASSERT_NO_FATAL_FAILURE(post(s.while_off));
      ASSERT_NO_FATAL_FAILURE(toggle(true, &s.on_at));
      switches.push_back(std::move(s));
    }
    ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));
    const std::map<std::string, std::string> received = ReceivedAtById(ReadStream("switch-observer"));
    ties = 0;
    for (const Switch& s : switches) {
      ties += received.count(s.before_off) && received.at(s.before_off) == s.off_at;
      ties += received.count(s.while_off) && received.at(s.while_off) == s.on_at;
    }
  }
  const std::map<std::string, int> counts = CountMessageIds(ReadStream("switch-toggled"));
  int lost = 0, leaked = 0;
  for (const Switch& s : switches) {
    lost += counts.count(s.before_off) == 0;
    leaked += counts.count(s.while_off) != 0;
  }
  std::printf(
      "[e2e] %zu switches, %d events in the same millisecond as the next switch: %d events acknowledged "
      "before enabled:false were not delivered; %d acknowledged while disabled were delivered\n",
      switches.size(), ties, lost, leaked);
  EXPECT_EQ(lost, 0) << "events accepted while the hook was enabled were dropped";
  EXPECT_EQ(leaked, 0) << "events accepted while the hook was disabled were delivered";
  EXPECT_EQ(server().Metric("streamhook_events_not_routed_total", toggled),
            static_cast<double>(switches.size()));
  EXPECT_EQ(server().Metric("streamhook_events_not_routed_total", observer), 0);
}

}  // namespace
}  // namespace streamhook::e2e
