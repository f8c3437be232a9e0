// ParseTrackingCall on the Netmera-style triggers: /v1/events and /v1/message-logs.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "ingest/parse_request.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

using testing::CountingIds;
using testing::Json;
using testing::kWriteKey;
using testing::MapResolver;
using testing::Post;

const int64_t kNow = *ParseIso8601Millis("2024-05-01T12:00:00.000Z");

class NetmeraParseTest : public ::testing::Test {
 protected:
  ParseResult Parse(const HttpRequest& request) {
    return ParseTrackingCall(request.path, request, keys_, kNow, ids_);
  }
  // The error of a refused request; fails the test when it was accepted.
  IngestError Refused(const HttpRequest& request) {
    ParseResult result = Parse(request);
    EXPECT_FALSE(result.ok()) << request.body;
    return result.ok() ? IngestError{} : *result.error;
  }
  MapResolver keys_;
  CountingIds ids_;
};

TEST_F(NetmeraParseTest, EventBecomesEventWithAttributes) {
  ParseResult result = Parse(
      Post("/v1/events",
           R"([{"code":"purchase","userId":"u1","amount":12.5,"items":[{"sku":"A"}],"currency":"TRY"}])"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  ASSERT_EQ(result.events.size(), 1u);
  const Event& e = result.events[0];
  EXPECT_EQ(e.trigger, Trigger::kEvent);
  EXPECT_EQ(e.event_code, "purchase");
  EXPECT_EQ(e.user_id, "u1");
  EXPECT_EQ(e.message_id, "gen-1");
  EXPECT_EQ(e.source_id, testing::kSourceId);
  EXPECT_EQ(e.received_at_ms, kNow);
  Json json(e.json);
  ASSERT_TRUE(json.ok()) << e.json;
  EXPECT_EQ(json.Str("/type"), "event");
  EXPECT_EQ(json.Str("/code"), "purchase");
  EXPECT_EQ(json.Str("/userId"), "u1");
  EXPECT_FALSE(json.Has("/extId"));
  EXPECT_EQ(json.At("/attributes"), R"({"amount":12.5,"items":[{"sku":"A"}],"currency":"TRY"})");
  EXPECT_EQ(json.Str("/messageId"), "gen-1");
  EXPECT_EQ(json.Str("/receivedAt"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T12:00:00.000Z");
}

TEST_F(NetmeraParseTest, ObjectFormWithBodyWriteKey) {
  const std::string body =
      R"({"events":[{"code":"login","extId":"ext-9","messageId":"ev-1","time":"2024-05-01T09:00:00+03:00"}],)"
      R"("writeKey":")" +
      std::string(kWriteKey) + "\"}";
  ParseResult result = Parse(Post("/v1/events", body, ""));
  ASSERT_TRUE(result.ok()) << result.error->message;
  const Event& e = result.events[0];
  EXPECT_EQ(e.user_id, "ext-9");
  EXPECT_EQ(e.message_id, "ev-1");
  Json json(e.json);
  EXPECT_EQ(json.Str("/extId"), "ext-9");
  EXPECT_FALSE(json.Has("/userId"));
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T09:00:00+03:00");
  EXPECT_EQ(json.At("/attributes"), "{}");
  EXPECT_EQ(e.json.find(kWriteKey), std::string::npos);
}

TEST_F(NetmeraParseTest, UserIdWinsOverExtId) {
  ParseResult result = Parse(
      Post("/v1/events", R"([{"code":"c","userId":7,"extId":"x","timestamp":"2024-05-01T10:00:00Z"}])"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].user_id, "7");
  Json json(result.events[0].json);
  EXPECT_EQ(json.Str("/extId"), "x");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T10:00:00Z");
}

TEST_F(NetmeraParseTest, EventRulesNameTheIndex) {
  IngestError no_code = Refused(Post("/v1/events", R"([{"code":"a","userId":"u"},{"userId":"u"}])"));
  EXPECT_EQ(no_code.code, ErrorCode::kMissingCode);
  EXPECT_EQ(no_code.index, 1u);
  EXPECT_NE(no_code.message.find("events[1]"), std::string::npos) << no_code.message;
  EXPECT_EQ(Refused(Post("/v1/events", R"([{"code":5,"userId":"u"}])")).code, ErrorCode::kMissingCode);
  IngestError no_user = Refused(Post("/v1/events", R"([{"code":"a"}])"));
  EXPECT_EQ(no_user.code, ErrorCode::kNoUserId);
  EXPECT_EQ(no_user.index, 0u);
  EXPECT_EQ(Refused(Post("/v1/events", R"([{"code":"a","userId":"","extId":null}])")).code,
            ErrorCode::kNoUserId);
  EXPECT_EQ(Refused(Post("/v1/events", R"([{"code":"a","userId":"u","time":"noon"}])")).code,
            ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(Refused(Post("/v1/events", R"([{"code":"a","userId":"u","timestamp":1714564800}])")).code,
            ErrorCode::kInvalidTimestamp);
  EXPECT_EQ(Refused(Post("/v1/events",
                         R"([{"code":"a","userId":"u","messageId":")" + std::string(101, 'm') + "\"}]"))
                .code,
            ErrorCode::kMessageIdTooLong);
  EXPECT_EQ(Refused(Post("/v1/events", R"(["x"])")).code, ErrorCode::kNotAnObject);
}

TEST_F(NetmeraParseTest, ListBodyShapes) {
  EXPECT_EQ(Refused(Post("/v1/events", R"("x")")).code, ErrorCode::kNotAnObject);
  EXPECT_EQ(Refused(Post("/v1/events", R"({"batch":[]})")).code, ErrorCode::kMissingBatch);
  EXPECT_EQ(Refused(Post("/v1/message-logs", R"({"events":[]})")).code, ErrorCode::kMissingBatch);
  EXPECT_TRUE(Parse(Post("/v1/events", "[]")).ok());
  EXPECT_EQ(Refused(Post("/v1/events", R"([{"code":"a","userId":"u"})")).code, ErrorCode::kInvalidJson);
}

TEST_F(NetmeraParseTest, AllOrNothingAndLimits) {
  const std::string good = R"({"code":"a","userId":"u"})";
  std::string list = "[";
  for (int i = 0; i < 2500; ++i) list += (i ? "," : "") + good;
  ParseResult at_limit = Parse(Post("/v1/events", list + "]"));
  ASSERT_TRUE(at_limit.ok()) << at_limit.error->message;
  EXPECT_EQ(at_limit.events.size(), 2500u);
  EXPECT_EQ(Refused(Post("/v1/events", list + "," + good + "]")).code, ErrorCode::kTooManyEvents);
  IngestError one_bad = Refused(Post("/v1/events", "[" + good + "," + good + R"(,{"code":"a"}])"));
  EXPECT_EQ(one_bad.index, 2u);
  IngestError too_big = Refused(Post("/v1/events", "[" + good + "," + std::string(512000, ' ') + "]"));
  EXPECT_EQ(too_big.http_status, 413);
  EXPECT_EQ(too_big.code, ErrorCode::kBatchTooLarge);
  const std::string big_event = R"({"code":"a","userId":"u","p":")" + std::string(32768, 'x') + "\"}";
  EXPECT_EQ(Refused(Post("/v1/events", "[" + big_event + "]")).code, ErrorCode::kEventTooLarge);
}

TEST_F(NetmeraParseTest, MessageLogBecomesMessageLogEvent) {
  ParseResult result =
      Parse(Post("/v1/message-logs", R"([{"id":"log-1","messageId":"msg-1","campaign":"spring",)"
                                     R"("channel":"push","status":"opened","userId":"u1",)"
                                     R"("time":"2024-05-01T11:00:00Z","device":{"os":"ios"}},)"
                                     R"({"messageId":"msg-1","status":"sent","userId":"u1"}])"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  ASSERT_EQ(result.events.size(), 2u);
  const Event& opened = result.events[0];
  EXPECT_EQ(opened.trigger, Trigger::kMessageLog);
  EXPECT_EQ(opened.event_code, "opened");
  EXPECT_EQ(opened.user_id, "u1");
  EXPECT_EQ(opened.message_id, "log-1");
  Json json(opened.json);
  ASSERT_TRUE(json.ok()) << opened.json;
  EXPECT_EQ(json.Str("/type"), "message_log");
  EXPECT_EQ(json.Str("/id"), "log-1");
  EXPECT_EQ(json.Str("/messageId"), "msg-1");
  EXPECT_EQ(json.Str("/campaign"), "spring");
  EXPECT_EQ(json.Str("/channel"), "push");
  EXPECT_EQ(json.Str("/status"), "opened");
  EXPECT_EQ(json.Str("/time"), "2024-05-01T11:00:00Z");
  EXPECT_EQ(json.Str("/receivedAt"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(json.At("/device"), R"({"os":"ios"})");
  const Event& sent = result.events[1];
  EXPECT_EQ(sent.message_id, "gen-1");  // one message has several logs: the log gets its own id
  EXPECT_EQ(Json(sent.json).Str("/id"), "gen-1");
  EXPECT_EQ(Json(sent.json).Str("/time"), "2024-05-01T12:00:00.000Z");
}

TEST_F(NetmeraParseTest, EveryAllowedStatusAndNoOther) {
  for (const char* status : {"sent", "delivered", "opened", "clicked", "failed"}) {
    ParseResult result = Parse(
        Post("/v1/message-logs", std::string(R"({"logs":[{"status":")") + status + R"(","userId":"u"}]})"));
    ASSERT_TRUE(result.ok()) << status;
    EXPECT_EQ(result.events[0].event_code, status);
  }
  for (const char* log :
       {R"({"status":"read","userId":"u"})", R"({"status":"Opened","userId":"u"})", R"({"userId":"u"})"}) {
    IngestError error = Refused(
        Post("/v1/message-logs", std::string("[") + R"({"status":"sent","userId":"u"},)" + log + "]"));
    EXPECT_EQ(error.code, ErrorCode::kInvalidStatus) << log;
    EXPECT_EQ(error.index, 1u);
    EXPECT_NE(error.message.find("logs[1]"), std::string::npos);
    EXPECT_NE(error.message.find("sent, delivered, opened, clicked, failed"), std::string::npos)
        << error.message;
  }
}

TEST_F(NetmeraParseTest, MessageLogRules) {
  EXPECT_EQ(Refused(Post("/v1/message-logs", R"([{"status":"sent"}])")).code, ErrorCode::kNoUserId);
  EXPECT_EQ(Refused(Post("/v1/message-logs", R"([{"status":"sent","userId":"u","time":"2024-13-01"}])")).code,
            ErrorCode::kInvalidTimestamp);
  ParseResult typed =
      Parse(Post("/v1/message-logs", R"([{"status":"sent","userId":"u","type":"x","receivedAt":"y"}])"));
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(Json(typed.events[0].json).Str("/type"), "message_log");
  EXPECT_EQ(typed.events[0].json.find("\"y\""), std::string::npos) << typed.events[0].json;
  EXPECT_EQ(Refused(Post("/v1/message-logs", R"([{"status":"sent","userId":"u"}])", "")).code,
            ErrorCode::kUnauthorized);
}

}  // namespace
}  // namespace streamhook::ingest
