// Done-when 1: Segment's own client library and Netmera-style calls, routed by two hooks to two
// streams, read back by an independent reader: every accepted message exactly once per matching
// hook, with the right partition key, in each user's order.
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using testing::RunCommand;
using testing::SourceDir;

struct Sent {
  std::string message_id;
  std::string type;   // identify, page, track, ..., event, message_log
  std::string code;   // track's event, an EVENT's code, a log's status
  std::string key;    // expected partition key
  int64_t order = 0;  // the send order (per key it is the order the records must keep)
};

// The string member `key` of `e`, or "" when it is absent or not a string.
std::string_view Text(simdjson::dom::element e, const char* key) {
  std::string_view value;
  if (e[key].get(value) != simdjson::SUCCESS) return {};
  return value;
}

std::vector<Sent> SendWithAnalyticsNode(int port, const std::string& write_key, int users,
                                        const std::string& tag) {
  std::string out;
  const int rc = RunCommand(
      {"node", (SourceDir() / "tests/e2e/send_with_analytics_node.js").string(), SourceDir().string(),
       "http://127.0.0.1:" + std::to_string(port), write_key, std::to_string(users), tag},
      &out, {{"NODE_NO_WARNINGS", "1"}}, /*merge_stderr=*/false, std::chrono::seconds(180));
  EXPECT_EQ(rc, 0) << "send_with_analytics_node.js failed: " << out;
  std::vector<Sent> sent;
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) {
      ADD_FAILURE() << "the node sender printed a line that is not JSON: " << line;
      continue;
    }
    bool ok = false;
    if (e["ok"].get(ok) != simdjson::SUCCESS || !ok) {
      ADD_FAILURE() << "analytics-node could not deliver " << line << ": " << Text(e, "error");
      continue;
    }
    Sent s;
    s.message_id = std::string(e["messageId"].get_string().value());
    s.type = std::string(e["type"].get_string().value());
    s.code = std::string(Text(e, "event"));
    s.key = std::string(e["key"].get_string().value());
    s.order = e["order"].get_int64().value();
    sent.push_back(std::move(s));
  }
  return sent;
}

// Netmera-style calls posted directly: events with codes (some matching hook B) and message logs.
std::vector<Sent> SendNetmeraCalls(ServeTest& test, const std::string& tag, int64_t first_order, int users) {
  std::vector<Sent> sent;
  int64_t order = first_order;
  std::string events = "[";
  for (int u = 0; u < users; u += 2) {
    const std::string user = "user-" + tag + "-" + std::to_string(u);
    for (int i = 0; i < 3; ++i) {
      const std::string code = i == 1 ? "purchase" : (i == 0 ? "login" : "cart_viewed");
      const std::string id = tag + "-nm-" + std::to_string(u) + "-" + std::to_string(i);
      if (events.size() > 1) events += ",";
      events += R"({"code":")" + code + R"(","userId":")" + user + R"(","messageId":")" + id +
                R"(","amount":)" + std::to_string(10 + u) + R"(,"timestamp":"2024-05-01T12:00:00.000Z"})";
      sent.push_back({id, "event", code, user, order++});
    }
  }
  // An extId-only customer: the partition key falls back to the extId.
  const std::string ext = "ext-" + tag;
  events += R"(,{"code":"purchase","extId":")" + ext + R"(","messageId":")" + tag + R"(-nm-ext","amount":1})";
  sent.push_back({tag + "-nm-ext", "event", "purchase", ext, order++});
  events += "]";
  HttpReply reply = test.server().Post("/v1/events", events, test.write_key());
  EXPECT_EQ(reply.status, 200) << reply.error << reply.body;

  std::string logs = "[";
  const char* statuses[] = {"sent", "delivered", "opened", "clicked", "failed"};
  for (int u = 0; u < users; u += 3) {
    const std::string user = "user-" + tag + "-" + std::to_string(u);
    const std::string id = tag + "-log-" + std::to_string(u);
    const std::string status = statuses[u % 5];
    if (logs.size() > 1) logs += ",";
    logs += R"({"id":")" + id + R"(","messageId":"push-42","campaign":"spring","channel":"push","status":")" +
            status + R"(","userId":")" + user + R"(","time":"2024-05-01T12:00:00Z"})";
    sent.push_back({id, "message_log", status, user, order++});
  }
  logs += "]";
  reply = test.server().Post("/v1/message-logs", logs, test.write_key());
  EXPECT_EQ(reply.status, 200) << reply.error << reply.body;
  return sent;
}

// The messageId a record carries: a message log's envelope id is its "id".
std::string RecordMessageId(simdjson::dom::element message) {
  return std::string(Text(message, Text(message, "type") == "message_log" ? "id" : "messageId"));
}

struct Seen {
  std::string message_id;
  std::string partition_key;
  std::string shard;
  std::string sequence;
};

// Checks one stream against what should be on it: each expected message once, nothing else, the
// partition key, and per key the send order (by sequence number within one shard).
void CheckStream(const std::string& stream, const std::vector<Seen>& seen,
                 const std::vector<const Sent*>& expected) {
  std::map<std::string, const Sent*> by_id;
  for (const Sent* s : expected) by_id[s->message_id] = s;
  std::map<std::string, int> count;
  for (const Seen& r : seen) ++count[r.message_id];
  int missing = 0, duplicated = 0, extra = 0;
  for (const Sent* s : expected) {
    const int n = count[s->message_id];
    if (n == 0 && ++missing <= 10) ADD_FAILURE() << stream << ": missing " << s->message_id;
    if (n > 1 && ++duplicated <= 10) ADD_FAILURE() << stream << ": " << s->message_id << " " << n << " times";
  }
  std::map<std::string, std::vector<const Seen*>> by_key;
  for (const Seen& r : seen) {
    auto it = by_id.find(r.message_id);
    if (it == by_id.end()) {
      if (++extra <= 10) ADD_FAILURE() << stream << ": unexpected record " << r.message_id;
      continue;
    }
    EXPECT_EQ(r.partition_key, it->second->key) << stream << ": partition key of " << r.message_id;
    by_key[r.partition_key].push_back(&r);
  }
  int out_of_order = 0;
  for (auto& [key, records] : by_key) {
    std::set<std::string> shards;
    for (const Seen* r : records) shards.insert(r->shard);
    EXPECT_EQ(shards.size(), 1u) << stream << ": key " << key << " is on several shards";
    std::sort(records.begin(), records.end(),
              [](const Seen* a, const Seen* b) { return SequenceLess(a->sequence, b->sequence); });
    for (size_t i = 1; i < records.size(); ++i) {
      if (by_id[records[i - 1]->message_id]->order > by_id[records[i]->message_id]->order &&
          ++out_of_order <= 10) {
        ADD_FAILURE() << stream << ": key " << key << ": " << records[i]->message_id << " (seq "
                      << records[i]->sequence << ") was sent before " << records[i - 1]->message_id;
      }
    }
  }
  std::printf(
      "[e2e] stream %s: %zu records, %zu expected, %d missing, %d duplicated, %d unexpected, %zu keys, "
      "%d out of order\n",
      stream.c_str(), seen.size(), expected.size(), missing, duplicated, extra, by_key.size(), out_of_order);
}

class RoutingTest : public ServeTest {};

TEST_F(RoutingTest, AnalyticsNodeAndNetmeraCallsReachEveryMatchingHookOnceInOrder) {
  ASSERT_TRUE(StartAll({{"all-events", 2}, {"orders", 2}}));
  const std::string hook_a =
      CreateHook(R"({"name":"everything","type":"KINESIS","streamName":"all-events","triggers":)" +
                 std::string(kAllTriggersJson) +
                 R"(,"eventCodes":[],"payloadFormat":"segment","partitionKey":"userId",)"
                 R"("batch":{"maxRecords":500,"maxBytes":5242880,"lingerMs":50},"enabled":true})");
  const std::string hook_b = CreateHook(
      R"({"name":"orders","type":"KINESIS","streamName":"orders","triggers":["TRACK","EVENT"],)"
      R"("eventCodes":["Order Completed","purchase"],"payloadFormat":"netmera","batch":{"lingerMs":20}})");
  ASSERT_FALSE(hook_a.empty());
  ASSERT_FALSE(hook_b.empty());
  ASSERT_TRUE(WaitForHookActive(hook_a, true));
  ASSERT_TRUE(WaitForHookActive(hook_b, true));

  const int users = 30;
  const std::string tag = "r" + std::to_string(::getpid());
  const auto started = std::chrono::steady_clock::now();
  std::vector<Sent> sent = SendWithAnalyticsNode(server().port(), write_key(), users, tag);
  ASSERT_GT(sent.size(), static_cast<size_t>(users) * 6) << "the node sender reported too few calls";
  const double node_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  int64_t next_order = 0;
  for (const Sent& s : sent) next_order = std::max(next_order, s.order + 1);
  for (Sent& s : SendNetmeraCalls(*this, tag, next_order, users)) sent.push_back(std::move(s));

  std::vector<const Sent*> for_a, for_b;
  const std::set<std::string> b_codes = {"Order Completed", "purchase"};
  for (const Sent& s : sent) {
    for_a.push_back(&s);
    if ((s.type == "track" || s.type == "event") && b_codes.count(s.code)) for_b.push_back(&s);
  }
  std::printf("[e2e] sent %zu messages for %d users (analytics-node took %.1f s); %zu match hook B\n",
              sent.size(), users, node_seconds, for_b.size());

  const auto delivering = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(90)));
  std::printf("[e2e] delivery caught up %.2f s after the last request\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - delivering).count());
  EXPECT_EQ(server().Metric("streamhook_events_accepted_total"), static_cast<double>(sent.size()));

  simdjson::dom::parser parser;
  std::vector<Seen> seen_a, seen_b;
  for (const StreamRecord& r : ReadStream("all-events")) {
    simdjson::dom::element message;
    ASSERT_EQ(parser.parse(r.data).get(message), simdjson::SUCCESS) << r.data;
    seen_a.push_back({RecordMessageId(message), r.partition_key, r.shard, r.sequence});
    // The segment payload is the stored message: its own fields and the server's receivedAt.
    std::string_view received_at;
    EXPECT_EQ(message["receivedAt"].get(received_at), simdjson::SUCCESS) << r.data;
  }
  std::map<std::string, const Sent*> by_id;
  for (const Sent& s : sent) by_id[s.message_id] = &s;
  for (const StreamRecord& r : ReadStream("orders")) {
    simdjson::dom::element payload;
    ASSERT_EQ(parser.parse(r.data).get(payload), simdjson::SUCCESS) << r.data;
    const std::string id = RecordMessageId(payload["event"].value());
    seen_b.push_back({id, r.partition_key, r.shard, r.sequence});
    // The netmera payload names the hook, the trigger and the code, and carries the user.
    EXPECT_EQ(payload["hookId"].get_string().value(), hook_b) << r.data;
    const auto it = by_id.find(id);
    if (it == by_id.end()) continue;  // reported by CheckStream
    EXPECT_EQ(payload["trigger"].get_string().value(), it->second->type == "track" ? "TRACK" : "EVENT")
        << r.data;
    EXPECT_EQ(payload["eventCode"].get_string().value(), it->second->code) << r.data;
    const simdjson::dom::element user = payload["user"].value();
    EXPECT_EQ(Text(user, "userId").empty() ? Text(user, "anonymousId") : Text(user, "userId"),
              it->second->key)
        << r.data;
  }
  CheckStream("all-events", seen_a, for_a);
  CheckStream("orders", seen_b, for_b);
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", hook_a), static_cast<double>(for_a.size()));
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", hook_b), static_cast<double>(for_b.size()));
}

}  // namespace
}  // namespace streamhook::e2e
