// The building blocks: JSON number grammar, Basic auth parsing, UUIDs, error bodies.
#include "ingest/json_scan.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/time_format.h"
#include "ingest/id_generator.h"
#include "ingest/ingest_error.h"
#include "ingest/time_formatter.h"
#include "ingest/write_key.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

TEST(IsJsonNumber, FollowsTheGrammar) {
  for (const char* good :
       {"0", "-0", "7", "-12", "1.5", "0.25", "1e9", "1E+9", "-2.5e-3", "123456789012345678901234567890"}) {
    EXPECT_TRUE(IsJsonNumber(good)) << good;
  }
  for (const char* bad :
       {"", "-", "01", "+1", "1.", ".5", "1e", "1e+", "0x10", "1.2.3", "NaN", "Infinity", "1 ", "--1"}) {
    EXPECT_FALSE(IsJsonNumber(bad)) << bad;
  }
}

TEST(WriteKeyFromBasicAuth, TakesTheUserName) {
  EXPECT_EQ(WriteKeyFromBasicAuth("Basic " + Base64Encode("key123:")), "key123");
  EXPECT_EQ(WriteKeyFromBasicAuth("Basic " + Base64Encode("key123:secret")), "key123");
  EXPECT_EQ(WriteKeyFromBasicAuth("basic " + Base64Encode("k")), "k");
  EXPECT_EQ(WriteKeyFromBasicAuth(""), std::nullopt);
  EXPECT_EQ(WriteKeyFromBasicAuth("Basic " + Base64Encode(":")), std::nullopt);
  EXPECT_EQ(WriteKeyFromBasicAuth("Basic %%%"), std::nullopt);
  EXPECT_EQ(WriteKeyFromBasicAuth("Bearer abc"), std::nullopt);
  EXPECT_EQ(WriteKeyFromBasicAuth("Basicabc"), std::nullopt);
}

TEST(RandomUuidGenerator, UniqueVersion4Uuids) {
  RandomUuidGenerator ids;
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string id = ids.NewId();
    ASSERT_TRUE(std::regex_match(id, uuid_v4)) << id;
    seen.insert(std::move(id));
  }
  EXPECT_EQ(seen.size(), 5000u);
  RandomUuidGenerator other;  // another thread's generator draws different ids
  EXPECT_EQ(seen.count(other.NewId()), 0u);
}

TEST(ErrorResponse, ShapeAndCodes) {
  HttpResponse item = ErrorResponse(ItemError("batch", 3, ErrorCode::kInvalidType, "bad \"type\""));
  EXPECT_EQ(item.status, 400);
  EXPECT_EQ(item.body,
            R"({"success":false,"code":"invalid_type","message":"batch[3]: bad \"type\"","index":3})");
  HttpResponse request = ErrorResponse(RequestError(413, ErrorCode::kBatchTooLarge, "too big"));
  EXPECT_EQ(request.status, 413);
  EXPECT_EQ(request.body, R"({"success":false,"code":"batch_too_large","message":"too big"})");
  std::set<std::string_view> names;
  for (size_t i = 0; i < kErrorCodeCount; ++i) names.insert(ErrorCodeName(static_cast<ErrorCode>(i)));
  EXPECT_EQ(names.size(), kErrorCodeCount) << "codes must have distinct names";
  EXPECT_EQ(names.count("unknown"), 0u);
}

TEST(TimeFormatter, AgreesWithFormatIso8601Millis) {
  TimeFormatter times;
  const int64_t day = 86400000;
  for (int64_t ms : {int64_t{0}, int64_t{-1}, -day, -day - 1, day - 1, day, int64_t{1714564799999},
                     int64_t{1714564800000}, int64_t{1714564800000} + 45296789, int64_t{1714564800000} - 1,
                     int64_t{253402300799999}, int64_t{951782400000} /* 2000-02-29 */}) {
    std::string out = "x";
    times.Append(ms, &out);
    EXPECT_EQ(out, "x" + FormatIso8601Millis(ms)) << ms;
  }
}

// Scans `json` as a root object's single member value and returns the member's exact text.
std::string MemberText(const std::string& json) {
  simdjson::padded_string padded(json);
  simdjson::ondemand::document doc;
  if (ThreadParser().iterate(padded).get(doc)) return "<iterate error>";
  simdjson::ondemand::object object;
  if (doc.get_object().get(object)) return "<not object>";
  std::string text;
  auto error =
      ForEachField(object, [&](std::string_view, const char* start, simdjson::ondemand::value& value) {
        JsonValue scanned;
        auto e = ReadValue(value, 1, true, nullptr, &scanned);
        if (!e) text.assign(start, scanned.raw.data() + scanned.raw.size());
        return e;
      });
  return error ? std::string("<error ") + simdjson::error_message(error) + ">" : text;
}

TEST(ReadValue, SpansEachValueExactly) {
  EXPECT_EQ(MemberText(R"({"a" : "x\"y"  })"), R"("a" : "x\"y")");
  EXPECT_EQ(MemberText("{\"a\":\n[ 1 , {\"b\" : null} ]\n}"), "\"a\":\n[ 1 , {\"b\" : null} ]");
  EXPECT_EQ(MemberText(R"({"a":{}})"), R"("a":{})");
  EXPECT_EQ(MemberText(R"({"a":[]})"), R"("a":[])");
  EXPECT_EQ(MemberText(R"({"a":-0.5e7 })"), R"("a":-0.5e7)");
  EXPECT_EQ(MemberText(R"({"a":false})"), R"("a":false)");
  EXPECT_EQ(MemberText(R"({"a":[nul]})").substr(0, 6), "<error");
  EXPECT_EQ(MemberText(R"({"a":[fals]})").substr(0, 6), "<error");
  EXPECT_EQ(MemberText(R"({"a":{"b":"\u12"}})").substr(0, 6), "<error");
}

}  // namespace
}  // namespace streamhook::ingest
