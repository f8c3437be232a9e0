// ParseTrackingCall on /v1/batch and /v1/import: analytics-node bodies, shared context and sentAt,
// all-or-nothing validation and the size limits at their boundaries.
#include <gtest/gtest.h>

#include <set>

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

class BatchParseTest : public ::testing::Test {
 protected:
  ParseResult Parse(const HttpRequest& request) {
    return ParseTrackingCall(request.path, request, keys_, kNow, ids_);
  }
  // A batch of `count` copies of `item`, plus `tail` (top-level members after the array).
  static std::string BatchOf(size_t count, const std::string& item, const std::string& tail = "") {
    std::string body = R"({"batch":[)";
    for (size_t i = 0; i < count; ++i) body += (i ? "," : "") + item;
    return body + "]" + tail + "}";
  }
  MapResolver keys_;
  CountingIds ids_;
};

// What @segment/analytics-node 2.x posts: items normalized by its Segment.io plugin, then
// {batch, writeKey, sentAt} with the key also in Basic auth.
TEST_F(BatchParseTest, AnalyticsNodeShapedBody) {
  const std::string body =
      R"({"batch":[)"
      R"({"type":"track","event":"Signed Up","userId":"u-1","properties":{"plan":"pro"},)"
      R"("context":{"library":{"name":"@segment/analytics-node","version":"2.1.2"}},)"
      R"("_metadata":{"nodeVersion":"v20.11.0","jsRuntime":"node"},"timestamp":"2024-05-01T11:58:59.000Z",)"
      R"("integrations":{},"messageId":"node-next-1714564739000-abc"},)"
      R"({"type":"identify","userId":"u-1","traits":{"email":"a@b.c"},)"
      R"("context":{"library":{"name":"@segment/analytics-node","version":"2.1.2"}},)"
      R"("timestamp":"2024-05-01T11:58:59.500Z","messageId":"node-next-2"}],)"
      R"("writeKey":")" +
      std::string(kWriteKey) + R"(","sentAt":"2024-05-01T11:59:00.000Z"})";
  ParseResult result = Parse(Post("/v1/batch", body));
  ASSERT_TRUE(result.ok()) << result.error->message;
  ASSERT_EQ(result.events.size(), 2u);
  EXPECT_EQ(result.events[0].trigger, Trigger::kTrack);
  EXPECT_EQ(result.events[0].event_code, "Signed Up");
  EXPECT_EQ(result.events[0].message_id, "node-next-1714564739000-abc");
  EXPECT_EQ(result.events[1].trigger, Trigger::kIdentify);
  EXPECT_EQ(result.events[1].user_id, "u-1");
  for (const Event& e : result.events) {
    EXPECT_EQ(e.json.find(kWriteKey), std::string::npos) << e.json;
    Json json(e.json);
    ASSERT_TRUE(json.ok()) << e.json;
    EXPECT_EQ(json.Str("/context/library/name"), "@segment/analytics-node");
    EXPECT_EQ(json.Str("/sentAt"),
              "2024-05-01T11:59:00.000Z");  // the batch's sentAt, which follows the items
  }
  Json track(result.events[0].json);
  EXPECT_EQ(track.Str("/timestamp"), "2024-05-01T11:59:59.000Z");
  EXPECT_EQ(track.Str("/originalTimestamp"), "2024-05-01T11:58:59.000Z");
  EXPECT_EQ(track.At("/_metadata"), R"({"nodeVersion":"v20.11.0","jsRuntime":"node"})");
  EXPECT_EQ(Json(result.events[1].json).Str("/timestamp"), "2024-05-01T11:59:59.500Z");
}

TEST_F(BatchParseTest, SharedContextAndIntegrationsMergeOneLevelDeep) {
  const std::string body =
      R"({"context":{"ip":"1.2.3.4","library":{"name":"top","version":"1"},"locale":"tr"},)"
      R"("integrations":{"All":false,"Amplitude":false},"batch":[)"
      R"({"type":"page","userId":"u","context":{"library":{"name":"item"},"page":{"path":"/"}},)"
      R"("integrations":{"Amplitude":true}},)"
      R"({"type":"page","userId":"u"},)"
      R"({"type":"page","userId":"u","context":null,"integrations":"none"}]})";
  ParseResult result = Parse(Post("/v1/batch", body));
  ASSERT_TRUE(result.ok()) << result.error->message;
  Json merged(result.events[0].json);
  ASSERT_TRUE(merged.ok()) << result.events[0].json;
  EXPECT_EQ(merged.At("/context/library"), R"({"name":"item"})");  // the item's own key wins whole
  EXPECT_EQ(merged.Str("/context/page/path"), "/");
  EXPECT_EQ(merged.Str("/context/ip"), "1.2.3.4");
  EXPECT_EQ(merged.Str("/context/locale"), "tr");
  EXPECT_EQ(merged.At("/integrations"), R"({"Amplitude":true,"All":false})");
  Json inherited(result.events[1].json);
  EXPECT_EQ(inherited.At("/context"),
            R"({"ip":"1.2.3.4","library":{"name":"top","version":"1"},"locale":"tr"})");
  EXPECT_EQ(inherited.At("/integrations"), R"({"All":false,"Amplitude":false})");
  Json own_values(result.events[2].json);
  EXPECT_EQ(own_values.Str("/context/ip"), "1.2.3.4");  // null counts as absent
  EXPECT_EQ(own_values.Str("/integrations"), "none");   // a non-object of its own wins
}

TEST_F(BatchParseTest, ItemSentAtWinsOverTheBatchs) {
  const std::string body =
      R"({"sentAt":"2024-05-01T11:00:00Z","batch":[)"
      R"({"type":"identify","userId":"u","timestamp":"2024-05-01T10:59:00Z"},)"
      R"({"type":"identify","userId":"u","timestamp":"2024-05-01T10:59:00Z","sentAt":"2024-05-01T10:59:30Z"}]})";
  ParseResult result = Parse(Post("/v1/batch", body));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(Json(result.events[0].json).Str("/timestamp"), "2024-05-01T11:59:00.000Z");
  EXPECT_EQ(Json(result.events[1].json).Str("/timestamp"), "2024-05-01T11:59:30.000Z");
  EXPECT_EQ(Json(result.events[1].json).Str("/sentAt"), "2024-05-01T10:59:30Z");
}

TEST_F(BatchParseTest, OneBadItemRefusesTheWholeBatch) {
  const std::string body =
      R"({"batch":[{"type":"identify","userId":"u"},{"type":"track","userId":"u","event":"E"},)"
      R"({"type":"track","userId":"u"},{"type":"identify"}]})";
  ParseResult result = Parse(Post("/v1/batch", body));
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.events.empty());
  EXPECT_EQ(result.error->http_status, 400);
  EXPECT_EQ(result.error->code, ErrorCode::kMissingEvent);
  EXPECT_EQ(result.error->index, 2u);
  EXPECT_NE(result.error->message.find("batch[2]"), std::string::npos) << result.error->message;
  Json response(ErrorResponse(*result.error).body);
  EXPECT_EQ(response.At("/index"), "2");
  EXPECT_EQ(response.Str("/code"), "missing_event");
}

TEST_F(BatchParseTest, ItemsNeedAKnownTypeAndToBeObjects) {
  for (const char* item :
       {R"({"type":"purchase","userId":"u"})", R"({"userId":"u"})", R"({"type":5,"userId":"u"})"}) {
    ParseResult result =
        Parse(Post("/v1/batch", R"({"batch":[{"type":"identify","userId":"u"},)" + std::string(item) + "]}"));
    ASSERT_FALSE(result.ok()) << item;
    EXPECT_EQ(result.error->code, ErrorCode::kInvalidType) << item;
    EXPECT_EQ(result.error->index, 1u);
    EXPECT_NE(result.error->message.find("batch[1]"), std::string::npos);
  }
  ParseResult not_object = Parse(Post("/v1/batch", R"({"batch":[{"type":"identify","userId":"u"},"x"]})"));
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error->code, ErrorCode::kNotAnObject);
  EXPECT_EQ(not_object.error->index, 1u);
}

TEST_F(BatchParseTest, BodyNeedsABatchArray) {
  for (const char* body : {R"({"events":[]})", R"({"batch":{}})", R"({"batch":null})"}) {
    ParseResult result = Parse(Post("/v1/batch", body));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error->code, ErrorCode::kMissingBatch) << body;
  }
  EXPECT_EQ(Parse(Post("/v1/batch", "[]")).error->code, ErrorCode::kNotAnObject);
  ParseResult bad_context = Parse(Post("/v1/batch", R"({"batch":[],"context":"x"})"));
  ASSERT_FALSE(bad_context.ok());
  EXPECT_EQ(bad_context.error->code, ErrorCode::kInvalidField);
}

TEST_F(BatchParseTest, EmptyBatchIsAccepted) {
  ParseResult result = Parse(Post("/v1/batch", R"({"batch":[]})"));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.events.empty());
}

TEST_F(BatchParseTest, ImportIsBatch) {
  ParseResult result =
      Parse(Post("/v1/import", R"({"batch":[{"type":"group","userId":"u","groupId":"g"}]})"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].trigger, Trigger::kGroup);
}

TEST_F(BatchParseTest, KeyOnlyInBodyAfterTheItemsAndItemKeysStripped) {
  const std::string key(kWriteKey);
  const std::string body =
      R"({"batch":[{"type":"identify","userId":"u","writeKey":")" + key + R"("}],"writeKey":")" + key + "\"}";
  ParseResult result = Parse(Post("/v1/batch", body, ""));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].json.find(key), std::string::npos) << result.events[0].json;
  // An item's own writeKey does not authenticate the batch.
  const std::string item_key_only =
      R"({"batch":[{"type":"identify","userId":"u","writeKey":")" + key + "\"}]}";
  EXPECT_EQ(Parse(Post("/v1/batch", item_key_only, "")).error->code, ErrorCode::kUnauthorized);
}

TEST_F(BatchParseTest, EventCountLimitAtTheBoundary) {
  const std::string item = R"({"type":"identify","userId":"u"})";
  ParseResult at_limit = Parse(Post("/v1/batch", BatchOf(2500, item)));
  ASSERT_TRUE(at_limit.ok()) << at_limit.error->message;
  EXPECT_EQ(at_limit.events.size(), 2500u);
  // The key follows the items: the scan must skip the rest of the array to find it.
  const std::string tail = R"(,"writeKey":")" + std::string(kWriteKey) + "\"";
  ParseResult over = Parse(Post("/v1/batch", BatchOf(2501, item, tail), ""));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error->http_status, 400);
  EXPECT_EQ(over.error->code, ErrorCode::kTooManyEvents);
}

TEST_F(BatchParseTest, BatchBodyLimitAtTheBoundary) {
  // One item padded so the whole body is exactly the size wanted.
  auto body_of = [](size_t total) {
    const std::string small = R"({"type":"identify","userId":"u","p":")" + std::string(400, 'x') + "\"}";
    std::string body = R"({"batch":[)";
    while (body.size() + small.size() + 100 < total) body += small + ",";
    const std::string head = R"({"type":"identify","userId":"u","p":")";
    body += head + std::string(total - body.size() - head.size() - 4, 'x') + "\"}]}";
    return body;
  };
  ASSERT_EQ(body_of(512000).size(), 512000u);
  ParseResult at_limit = Parse(Post("/v1/batch", body_of(512000)));
  EXPECT_TRUE(at_limit.ok()) << at_limit.error->message;
  ParseResult over = Parse(Post("/v1/batch", body_of(512001)));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error->http_status, 413);
  EXPECT_EQ(over.error->code, ErrorCode::kBatchTooLarge);
  EXPECT_NE(over.error->message.find("500 KB"), std::string::npos) << over.error->message;
}

TEST_F(BatchParseTest, EventSizeLimitAtTheBoundary) {
  const std::string head = R"({"type":"identify","userId":"u","p":")";
  auto item_of = [&](size_t total) { return head + std::string(total - head.size() - 2, 'x') + "\"}"; };
  ASSERT_EQ(item_of(32768).size(), 32768u);
  ParseResult at_limit = Parse(Post("/v1/batch", BatchOf(2, item_of(32768))));
  EXPECT_TRUE(at_limit.ok()) << at_limit.error->message;
  ParseResult over =
      Parse(Post("/v1/batch", R"({"batch":[{"type":"identify","userId":"u"},)" + item_of(32769) + "]}"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error->http_status, 400);
  EXPECT_EQ(over.error->code, ErrorCode::kEventTooLarge);
  EXPECT_EQ(over.error->index, 1u);
  EXPECT_NE(over.error->message.find("32 KB"), std::string::npos) << over.error->message;
}

TEST_F(BatchParseTest, GeneratedIdsAreUniqueAcrossABatch) {
  RandomUuidGenerator uuids;
  HttpRequest request = Post("/v1/batch", BatchOf(2500, R"({"type":"identify","userId":"u"})"));
  ParseResult result = ParseTrackingCall(request.path, request, keys_, kNow, uuids);
  ASSERT_TRUE(result.ok());
  std::set<std::string> ids;
  for (const Event& e : result.events) {
    ids.insert(e.message_id);
    EXPECT_EQ(Json(e.json).Str("/messageId"), e.message_id);
  }
  EXPECT_EQ(ids.size(), 2500u);
}

TEST_F(BatchParseTest, InvalidJsonInAnyItemRefusesTheBatch) {
  for (const char* body :
       {R"({"batch":[{"type":"identify","userId":"u"},{"type":"identify","userId":"u","x":[1,]}]})",
        R"({"context":{"ip":"1.2.3.4","l":"a":1}},"batch":[{"type":"identify","userId":"u"}]})"}) {
    ParseResult result = Parse(Post("/v1/batch", body));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error->code, ErrorCode::kInvalidJson) << body;
  }
}

}  // namespace
}  // namespace streamhook::ingest
