// ParseTrackingCall: write keys (Basic auth or body writeKey, never echoed or stored) and the
// timestamp correction for client clock skew.
#include <gtest/gtest.h>

#include "common/time_format.h"
#include "ingest/parse_request.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

using testing::BasicAuth;
using testing::CountingIds;
using testing::Json;
using testing::kWriteKey;
using testing::MapResolver;
using testing::Post;

const int64_t kNow = *ParseIso8601Millis("2024-05-01T12:00:00.000Z");

class AuthTest : public ::testing::Test {
 protected:
  ParseResult Parse(const HttpRequest& request) {
    return ParseTrackingCall(request.path, request, keys_, kNow, ids_);
  }
  MapResolver keys_;
  CountingIds ids_;
};

TEST_F(AuthTest, BasicAuthHeader) {
  ParseResult result = Parse(Post("/v1/identify", R"({"userId":"u"})"));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].source_id, testing::kSourceId);
}

TEST_F(AuthTest, BasicAuthVariants) {
  for (std::string header :
       std::vector<std::string>{"basic " + Base64Encode(std::string(kWriteKey) + ":"),
                                "Basic " + Base64Encode(std::string(kWriteKey) + ":ignored-password"),
                                "Basic " + Base64Encode(std::string(kWriteKey)),
                                "  BASIC   " + Base64Encode(std::string(kWriteKey) + ":")}) {
    HttpRequest request = Post("/v1/identify", R"({"userId":"u"})", "");
    request.headers.emplace_back("authorization", header);
    EXPECT_TRUE(Parse(request).ok()) << header;
  }
  for (std::string header :
       std::vector<std::string>{"Bearer " + std::string(kWriteKey), "Basic !!!notbase64",
                                "Basic " + Base64Encode(":pw"), "Basic", std::string(kWriteKey)}) {
    HttpRequest request = Post("/v1/identify", R"({"userId":"u"})", "");
    request.headers.emplace_back("authorization", header);
    ParseResult result = Parse(request);
    ASSERT_FALSE(result.ok()) << header;
    EXPECT_EQ(result.error->code, ErrorCode::kUnauthorized) << header;
  }
}

TEST_F(AuthTest, BodyWriteKeyIsAcceptedAndStripped) {
  const std::string body =
      R"({"userId":"u","writeKey":")" + std::string(kWriteKey) + R"(","traits":{"a":1}})";
  ParseResult result = Parse(Post("/v1/identify", body, ""));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].json.find(kWriteKey), std::string::npos) << result.events[0].json;
  EXPECT_EQ(result.events[0].json.find("writeKey"), std::string::npos) << result.events[0].json;
  EXPECT_TRUE(Json(result.events[0].json).ok());
}

TEST_F(AuthTest, EscapedWriteKeyNameIsStrippedToo) {
  // "write\u004bey" is "writeKey": a key spelled with escapes must not slip through.
  const std::string body = R"({"userId":"u","write\u004bey":")" + std::string(kWriteKey) + "\"}";
  ParseResult result = Parse(Post("/v1/identify", body, ""));
  ASSERT_TRUE(result.ok()) << result.error->message;
  EXPECT_EQ(result.events[0].json.find(kWriteKey), std::string::npos) << result.events[0].json;
}

TEST_F(AuthTest, MissingOrUnknownKeyIs401WithoutEchoingIt) {
  const std::string wrong = "wk_wrong_key_value";
  for (HttpRequest request :
       {Post("/v1/identify", R"({"userId":"u"})", ""), Post("/v1/identify", R"({"userId":"u"})", wrong),
        Post("/v1/identify", R"({"userId":"u","writeKey":")" + wrong + "\"}", ""),
        Post("/v1/identify", R"({"userId":"u","writeKey":7})", "")}) {
    ParseResult result = Parse(request);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error->http_status, 401);
    EXPECT_EQ(result.error->code, ErrorCode::kUnauthorized);
    EXPECT_EQ(result.error->message.find(wrong), std::string::npos);
    const HttpResponse response = ErrorResponse(*result.error);
    EXPECT_EQ(response.body.find(wrong), std::string::npos);
    Json json(response.body);
    EXPECT_EQ(json.At("/success"), "false");
    EXPECT_EQ(json.Str("/code"), "unauthorized");
  }
}

TEST_F(AuthTest, WrongHeaderKeyFallsBackToBodyKey) {
  const std::string body = R"({"userId":"u","writeKey":")" + std::string(kWriteKey) + "\"}";
  EXPECT_TRUE(Parse(Post("/v1/identify", body, "wk_other")).ok());
}

TEST_F(AuthTest, UnauthenticatedRequestsLearnNothingAboutTheirContent) {
  ParseResult result = Parse(Post("/v1/track", R"({"userId":"u"})", ""));  // also misses `event`
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error->code, ErrorCode::kUnauthorized);
}

class TimestampTest : public AuthTest {
 protected:
  Json Normalize(const std::string& fields) {
    ParseResult result = Parse(Post("/v1/identify", R"({"userId":"u")" + fields + "}"));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error->message);
    json_text_ = result.ok() ? result.events[0].json : "{}";
    return Json(json_text_);
  }
  std::string json_text_;
};

TEST_F(TimestampTest, SentAtCorrectsClientClock) {
  // The client's clock is 2 min behind: it stamped the event at 11:58:30 and sent it at 11:59:00
  // by its clock; the server received it at 12:00:00, so it happened 30 s before that.
  Json json = Normalize(R"(,"timestamp":"2024-05-01T11:58:30.000Z","sentAt":"2024-05-01T11:59:00.000Z")");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T11:59:30.000Z");
  EXPECT_EQ(json.Str("/originalTimestamp"), "2024-05-01T11:58:30.000Z");
  EXPECT_EQ(json.Str("/sentAt"), "2024-05-01T11:59:00.000Z");
  EXPECT_EQ(json.Str("/receivedAt"), "2024-05-01T12:00:00.000Z");
}

TEST_F(TimestampTest, CorrectionWorksAcrossOffsetsAndAhead) {
  // Client 5 min ahead, in +03:00: stamped 15:04:59.250+03:00 = 12:04:59.250Z, sent 12:05:00Z.
  Json json = Normalize(R"(,"timestamp":"2024-05-01T15:04:59.250+03:00","sentAt":"2024-05-01T12:05:00Z")");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T11:59:59.250Z");
  EXPECT_EQ(json.Str("/originalTimestamp"), "2024-05-01T15:04:59.250+03:00");
}

TEST_F(TimestampTest, OriginalTimestampIsTheClientTimeWhenNoTimestamp) {
  Json json =
      Normalize(R"(,"originalTimestamp":"2024-05-01T11:00:00.000Z","sentAt":"2024-05-01T11:00:10.000Z")");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T11:59:50.000Z");
  EXPECT_EQ(json.Str("/originalTimestamp"), "2024-05-01T11:00:00.000Z");
}

TEST_F(TimestampTest, WithoutSentAtTheClientTimestampStands) {
  Json json = Normalize(R"(,"timestamp":"2024-04-30T10:00:00+02:00")");
  EXPECT_EQ(json.Str("/timestamp"), "2024-04-30T10:00:00+02:00");
  EXPECT_FALSE(json.Has("/originalTimestamp"));
  EXPECT_FALSE(json.Has("/sentAt"));
}

TEST_F(TimestampTest, WithoutClientTimeTimestampIsReceivedAt) {
  Json json = Normalize("");
  EXPECT_EQ(json.Str("/timestamp"), "2024-05-01T12:00:00.000Z");
  Json with_sent_at = Normalize(R"(,"sentAt":"2024-05-01T11:00:00.000Z")");
  EXPECT_EQ(with_sent_at.Str("/timestamp"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(with_sent_at.Str("/sentAt"), "2024-05-01T11:00:00.000Z");
}

TEST_F(TimestampTest, UnreadableTimesAreKeptButNotUsed) {
  Json bad_sent_at = Normalize(R"(,"timestamp":"2024-05-01T10:00:00Z","sentAt":"yesterday")");
  EXPECT_EQ(bad_sent_at.Str("/timestamp"), "2024-05-01T10:00:00Z");
  EXPECT_EQ(bad_sent_at.Str("/sentAt"), "yesterday");
  Json bad_timestamp = Normalize(R"(,"timestamp":1714564800000,"sentAt":"2024-05-01T11:00:00Z")");
  EXPECT_EQ(bad_timestamp.Str("/timestamp"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(bad_timestamp.At("/originalTimestamp"), "1714564800000");
}

TEST_F(TimestampTest, EachTimeFieldAppearsOnce) {
  Normalize(R"(,"timestamp":"2024-05-01T11:58:30Z","originalTimestamp":"2024-05-01T11:58:00Z",)"
            R"("sentAt":"2024-05-01T11:59:00Z")");
  for (const char* key : {"\"timestamp\"", "\"originalTimestamp\"", "\"sentAt\"", "\"receivedAt\""}) {
    const size_t first = json_text_.find(key);
    ASSERT_NE(first, std::string::npos) << key;
    EXPECT_EQ(json_text_.find(key, first + 1), std::string::npos) << key << " in " << json_text_;
  }
}

}  // namespace
}  // namespace streamhook::ingest
