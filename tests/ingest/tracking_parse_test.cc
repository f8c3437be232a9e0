// ParseTrackingCall on single Segment calls: /v1/track, identify, page, screen, group, alias.
#include <gtest/gtest.h>

#include <set>

#include "common/time_format.h"
#include "ingest/parse_request.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

using testing::CountingIds;
using testing::Json;
using testing::MapResolver;
using testing::Post;

const int64_t kNow = *ParseIso8601Millis("2024-05-01T12:00:00.000Z");

class TrackingParseTest : public ::testing::Test {
 protected:
  ParseResult Parse(const HttpRequest& request) {
    return ParseTrackingCall(request.path, request, keys_, kNow, ids_);
  }
  // The error code of a refused request, or "accepted".
  std::string CodeOf(const HttpRequest& request) {
    ParseResult result = Parse(request);
    return result.ok() ? "accepted" : std::string(ErrorCodeName(result.error->code));
  }

  MapResolver keys_;
  CountingIds ids_;
};

TEST_F(TrackingParseTest, TrackBuildsEnvelopeAndNormalizedMessage) {
  ParseResult result =
      Parse(Post("/v1/track", R"({"userId":"u1","event":"Order Completed",)"
                              R"("properties":{"total":9.5,"items":[1,2]},"messageId":"m-1"})"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  ASSERT_EQ(result.events.size(), 1u);
  const Event& e = result.events[0];
  EXPECT_EQ(e.trigger, Trigger::kTrack);
  EXPECT_EQ(e.event_code, "Order Completed");
  EXPECT_EQ(e.user_id, "u1");
  EXPECT_EQ(e.anonymous_id, "");
  EXPECT_EQ(e.message_id, "m-1");
  EXPECT_EQ(e.source_id, testing::kSourceId);
  EXPECT_EQ(e.received_at_ms, kNow);
  Json json(e.json);
  ASSERT_TRUE(json.ok()) << e.json;
  EXPECT_EQ(json.Str("/type"), "track");
  EXPECT_EQ(json.Str("/messageId"), "m-1");
  EXPECT_EQ(json.Str("/receivedAt"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T12:00:00.000Z");
  EXPECT_FALSE(json.Has("/originalTimestamp"));
  EXPECT_FALSE(json.Has("/sentAt"));
  EXPECT_NE(e.json.find(R"("properties":{"total":9.5,"items":[1,2]})"), std::string::npos) << e.json;
}

TEST_F(TrackingParseTest, CopiesOtherFieldsByteForByte) {
  const std::string properties =
      R"("properties" : { "s":"line\nbreak \u00e9 \"q\" é", "big": 18446744073709551615,)"
      R"( "e": -1.5E+10, "t": true, "n": null, "a": [ ] })";
  ParseResult result = Parse(Post("/v1/page", "{ \"anonymousId\" : \"a1\" ,\n" + properties + "\n}"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  const std::string& out = result.events[0].json;
  EXPECT_NE(out.find(properties), std::string::npos) << out;
  EXPECT_NE(out.find(R"("anonymousId":"a1")"), std::string::npos) << out;
  EXPECT_TRUE(Json(out).ok()) << out;
}

TEST_F(TrackingParseTest, ParsesBodiesWithSparePaddingInPlace) {
  // A body whose string has room for simdjson's padding is parsed without a copy; the result must
  // be the same (and, under ASan, must read nothing out of bounds).
  HttpRequest padded = Post("/v1/track", R"({"userId":"u","event":"E","p":{"k":[1,"v"]}})");
  padded.body.reserve(padded.body.size() + 64);
  HttpRequest tight = Post("/v1/track", padded.body);
  tight.body.shrink_to_fit();
  ParseResult a = Parse(padded);
  ParseResult b = Parse(tight);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.events[0].json.substr(0, a.events[0].json.find("\"messageId\"")),
            b.events[0].json.substr(0, b.events[0].json.find("\"messageId\"")));
  EXPECT_NE(a.events[0].json.find(R"("p":{"k":[1,"v"]})"), std::string::npos);
}

struct PathCase {
  const char* path;
  const char* body;
  Trigger trigger;
  const char* type;
};

class EachCallTest : public TrackingParseTest, public ::testing::WithParamInterface<PathCase> {};

TEST_P(EachCallTest, PathSetsTriggerAndType) {
  const PathCase& c = GetParam();
  ParseResult result = Parse(Post(c.path, c.body));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].trigger, c.trigger);
  Json json(result.events[0].json);
  EXPECT_EQ(json.Str("/type"), c.type);
  EXPECT_EQ(result.events[0].json.find("\"type\"", 2), std::string::npos) << "one type only";
  EXPECT_EQ(result.events[0].event_code, c.trigger == Trigger::kTrack ? "E" : "");
}

INSTANTIATE_TEST_SUITE_P(
    Calls, EachCallTest,
    ::testing::Values(
        PathCase{"/v1/track", R"({"type":"identify","userId":"u","event":"E"})", Trigger::kTrack, "track"},
        PathCase{"/v1/identify", R"({"anonymousId":"a","traits":{"x":1}})", Trigger::kIdentify, "identify"},
        PathCase{"/v1/page", R"({"userId":"u","name":"Home"})", Trigger::kPage, "page"},
        PathCase{"/v1/screen", R"({"userId":"u","name":"Main"})", Trigger::kScreen, "screen"},
        PathCase{"/v1/group", R"({"userId":"u","groupId":"g1"})", Trigger::kGroup, "group"},
        PathCase{"/v1/alias", R"({"userId":"u","previousId":"a"})", Trigger::kAlias, "alias"},
        PathCase{"/v1/track/", R"({"userId":"u","event":"E"})", Trigger::kTrack, "track"}));

TEST_F(TrackingParseTest, NeedsUserIdOrAnonymousId) {
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"traits":{}})")), "no_user_anon_id");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":null,"anonymousId":null})")), "no_user_anon_id");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":"","anonymousId":""})")), "no_user_anon_id");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"anonymousId":"a"})")), "accepted");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":"u"})")), "accepted");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":{"id":1}})")), "invalid_field");
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":"u","anonymousId":true})")), "invalid_field");
}

TEST_F(TrackingParseTest, NumericIdsKeepTheirText) {
  ParseResult result = Parse(Post("/v1/identify", R"({"userId":42,"anonymousId":-1.5e3})"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].user_id, "42");
  EXPECT_EQ(result.events[0].anonymous_id, "-1.5e3");
  EXPECT_NE(result.events[0].json.find(R"("userId":42,)"), std::string::npos) << result.events[0].json;
}

TEST_F(TrackingParseTest, TrackNeedsAStringEvent) {
  EXPECT_EQ(CodeOf(Post("/v1/track", R"({"userId":"u"})")), "missing_event");
  EXPECT_EQ(CodeOf(Post("/v1/track", R"({"userId":"u","event":""})")), "missing_event");
  EXPECT_EQ(CodeOf(Post("/v1/track", R"({"userId":"u","event":7})")), "missing_event");
  EXPECT_EQ(CodeOf(Post("/v1/track", R"({"userId":"u","event":null})")), "missing_event");
}

TEST_F(TrackingParseTest, GroupNeedsGroupIdAliasNeedsBothIds) {
  EXPECT_EQ(CodeOf(Post("/v1/group", R"({"userId":"u"})")), "missing_group_id");
  EXPECT_EQ(CodeOf(Post("/v1/group", R"({"userId":"u","groupId":""})")), "missing_group_id");
  EXPECT_EQ(CodeOf(Post("/v1/group", R"({"userId":"u","groupId":12})")), "accepted");
  ParseResult no_user = Parse(Post("/v1/alias", R"({"anonymousId":"a","previousId":"p"})"));
  ASSERT_FALSE(no_user.ok());
  EXPECT_EQ(no_user.error->code, ErrorCode::kMissingUserId);
  EXPECT_NE(no_user.error->message.find("userId"), std::string::npos);
  ParseResult no_previous = Parse(Post("/v1/alias", R"({"userId":"u"})"));
  ASSERT_FALSE(no_previous.ok());
  EXPECT_EQ(no_previous.error->code, ErrorCode::kMissingPreviousId);
  EXPECT_NE(no_previous.error->message.find("previousId"), std::string::npos);
  EXPECT_EQ(no_previous.error->http_status, 400);
}

TEST_F(TrackingParseTest, RejectsInvalidJsonAnywhereInTheBody) {
  for (const char* body :
       {"", "{", "   ", R"({"userId":"u","event":"E","x":nul})",
        R"({"userId":"u","event":"E","p":{"a":[1,2}})", R"({"userId":"u","event":"E"} x)",
        R"({"userId":"u","event":"E","n":01})", R"({"userId":"u","event":"E","n":1.})",
        R"({"userId":"u","event":"E","p":{"s":"\x"}})", R"({"userId":"u","event":"E","p":[tru]})",
        R"({"userId":"u","event":"E","p":{"a" 1}})", R"({"userId":"u" "event":"E"})",
        R"({"userId":"u","event":"E","p":{"l":"a":1}})", R"({"userId":"u","event":"E","p":["a":1]})",
        "{\"userId\":\"u\xff\",\"event\":\"E\"}"}) {
    ParseResult result = Parse(Post("/v1/track", body));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error->code, ErrorCode::kInvalidJson) << body << ": " << result.error->message;
    EXPECT_EQ(result.error->http_status, 400);
  }
}

TEST_F(TrackingParseTest, BodyMustBeAnObject) {
  for (const char* body : {"[1]", "\"str\"", "42", "null", "true"}) {
    ParseResult result = Parse(Post("/v1/identify", body));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error->code, ErrorCode::kNotAnObject) << body;
  }
}

TEST_F(TrackingParseTest, LimitsNestingDepth) {
  auto nested = [](int levels) {
    return R"({"userId":"u","p":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  EXPECT_EQ(CodeOf(Post("/v1/identify", nested(100))), "accepted");
  EXPECT_EQ(CodeOf(Post("/v1/identify", nested(200))), "invalid_json");
}

// Numbers are kept as sent, but only within what every later stage can read back (64-bit integers,
// doubles): beyond that the request is refused with a reason, not acknowledged and then stuck.
TEST_F(TrackingParseTest, RefusesNumbersBeyondSixtyFourBitsOrADouble) {
  for (const char* number : {"18446744073709551615", "-9223372036854775808", "1.7976931348623157e308",
                             "123456789012345678901234567890.5", "1e-400", "-0"}) {
    ParseResult result = Parse(Post("/v1/group", std::string(R"({"userId":"u","groupId":)") + number + "}"));
    EXPECT_TRUE(result.ok()) << number;
  }
  for (const char* number : {"18446744073709551616", "-9223372036854775809", "1e309", "-1E400",
                             "6666666666666666666666666666666666666662"}) {
    ParseResult result = Parse(
        Post("/v1/track", std::string(R"({"userId":"u","event":"e","properties":{"n":[)") + number + "]}}"));
    ASSERT_FALSE(result.ok()) << number;
    EXPECT_EQ(result.error->http_status, 400);
    EXPECT_EQ(ErrorCodeName(result.error->code), "invalid_json");
    EXPECT_NE(result.error->message.find("out of range"), std::string::npos) << result.error->message;
    EXPECT_TRUE(result.events.empty());
  }
}

TEST_F(TrackingParseTest, MessageIdGivenGeneratedOrTooLong) {
  ParseResult generated = Parse(Post("/v1/identify", R"({"userId":"u"})"));
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(generated.events[0].message_id, "gen-1");
  EXPECT_EQ(Json(generated.events[0].json).Str("/messageId"), "gen-1");
  ParseResult empty = Parse(Post("/v1/identify", R"({"userId":"u","messageId":""})"));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.events[0].message_id, "gen-2");
  const std::string at_limit(100, 'm');
  ParseResult fits = Parse(Post("/v1/identify", R"({"userId":"u","messageId":")" + at_limit + "\"}"));
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits.events[0].message_id, at_limit);
  ParseResult too_long = Parse(Post("/v1/identify", R"({"userId":"u","messageId":")" + at_limit + "m\"}"));
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error->code, ErrorCode::kMessageIdTooLong);
  EXPECT_EQ(CodeOf(Post("/v1/identify", R"({"userId":"u","messageId":["x"]})")), "invalid_field");
}

TEST_F(TrackingParseTest, RandomIdsAreUniqueUuids) {
  RandomUuidGenerator uuids;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    HttpRequest request = Post("/v1/identify", R"({"userId":"u"})");
    ParseResult result = ParseTrackingCall(request.path, request, keys_, kNow, uuids);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.events[0].message_id.size(), 36u);
    seen.insert(result.events[0].message_id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST_F(TrackingParseTest, ClientReceivedAtIsReplaced) {
  ParseResult result = Parse(Post("/v1/identify", R"({"userId":"u","receivedAt":"1999-01-01T00:00:00Z"})"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(Json(result.events[0].json).Str("/receivedAt"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(result.events[0].json.find("1999"), std::string::npos) << result.events[0].json;
}

TEST_F(TrackingParseTest, SingleBodyLimitIs32KB) {
  const std::string head = R"({"userId":"u","event":"E","p":")";
  auto body_of = [&](size_t total) { return head + std::string(total - head.size() - 2, 'x') + "\"}"; };
  ASSERT_EQ(body_of(32768).size(), 32768u);
  EXPECT_EQ(CodeOf(Post("/v1/track", body_of(32768))), "accepted");
  ParseResult over = Parse(Post("/v1/track", body_of(32769)));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error->http_status, 413);
  EXPECT_EQ(over.error->code, ErrorCode::kEventTooLarge);
  EXPECT_NE(over.error->message.find("32 KB"), std::string::npos) << over.error->message;
}

TEST_F(TrackingParseTest, UnknownPathsAndMethods) {
  for (const char* path : {"/v1/unknown", "/v2/track", "/v1", "/", "/v1/trackx"}) {
    ParseResult result = Parse(Post(path, R"({"userId":"u","event":"E"})"));
    ASSERT_FALSE(result.ok()) << path;
    EXPECT_EQ(result.error->http_status, 404) << path;
    EXPECT_EQ(result.error->code, ErrorCode::kNotFound);
  }
  HttpRequest get = Post("/v1/track", R"({"userId":"u","event":"E"})");
  get.method = "GET";
  ParseResult result = Parse(get);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->http_status, 405);
  EXPECT_EQ(result.error->code, ErrorCode::kMethodNotAllowed);
}

}  // namespace
}  // namespace streamhook::ingest
