#include "hooks/partition_key.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace streamhook::hooks {
namespace {

EventView EventWithIds(std::string_view user_id, std::string_view anonymous_id, std::string_view message_id) {
  EventView event;
  event.trigger = Trigger::kTrack;
  event.user_id = user_id;
  event.anonymous_id = anonymous_id;
  event.message_id = message_id;
  event.json = R"({"type":"track"})";
  return event;
}

EventView EventWithJson(std::string_view json) {
  EventView event;
  event.trigger = Trigger::kTrack;
  event.user_id = "u-from-envelope";
  event.message_id = "m-from-envelope";
  event.json = json;
  return event;
}

// The key for `pointer` in `json`, or the status text prefixed with "error: ".
std::string KeyAt(std::string_view pointer, std::string_view json) {
  auto key = PartitionKeyFor(pointer, EventWithJson(json));
  if (!key.ok()) return "error: " + key.status().ToString();
  return *key;
}

void ExpectInvalid(std::string_view pointer, std::string_view json) {
  auto key = PartitionKeyFor(pointer, EventWithJson(json));
  ASSERT_FALSE(key.ok()) << "pointer " << pointer << " gave key '" << *key << "'";
  EXPECT_EQ(key.status().code(), Status::Code::kInvalidArgument) << key.status().ToString();
}

TEST(PartitionKey, UserIdComesFirst) {
  auto key = PartitionKeyFor("userId", EventWithIds("u-1", "anon-1", "m-1"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, "u-1");
}

TEST(PartitionKey, UserIdFallsBackToAnonymousId) {
  auto key = PartitionKeyFor("userId", EventWithIds("", "anon-1", "m-1"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, "anon-1");
}

TEST(PartitionKey, UserIdFallsBackToMessageId) {
  auto key = PartitionKeyFor("userId", EventWithIds("", "", "m-1"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, "m-1");
}

TEST(PartitionKey, UserIdWithNoIdsAtAllIsInvalid) {
  auto key = PartitionKeyFor("userId", EventWithIds("", "", ""));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), Status::Code::kInvalidArgument);
}

TEST(PartitionKey, MessageIdIgnoresTheUser) {
  auto key = PartitionKeyFor("messageId", EventWithIds("u-1", "anon-1", "m-1"));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(*key, "m-1");
  EXPECT_FALSE(PartitionKeyFor("messageId", EventWithIds("u-1", "anon-1", "")).ok());
}

TEST(PartitionKey, SettingNamesAreCaseSensitive) {
  // "userid" is neither a known setting nor a JSON pointer (no leading '/').
  ExpectInvalid("userid", R"({"userid":"u"})");
  ExpectInvalid("MessageId", R"({"MessageId":"m"})");
}

TEST(PartitionKey, PointerToString) {
  EXPECT_EQ(KeyAt("/properties/orderId", R"({"properties":{"orderId":"o-42"}})"), "o-42");
  // The pointer reads the message, not the envelope's ids.
  EXPECT_EQ(KeyAt("/userId", R"({"userId":"u-in-json"})"), "u-in-json");
}

TEST(PartitionKey, PointerToStringIsUnescaped) {
  EXPECT_EQ(KeyAt("/k", R"({"k":"a\"b\\c\u00e7"})"), "a\"b\\c\xc3\xa7");
}

TEST(PartitionKey, PointerToNumbersGivesTheirText) {
  const std::string_view json =
      R"({"int":42,"neg":-7,"zero":0,"big":18446744073709551615,"half":1.5,"quarter":-0.25})";
  EXPECT_EQ(KeyAt("/int", json), "42");
  EXPECT_EQ(KeyAt("/neg", json), "-7");
  EXPECT_EQ(KeyAt("/zero", json), "0");
  EXPECT_EQ(KeyAt("/big", json), "18446744073709551615");
  EXPECT_EQ(KeyAt("/half", json), "1.5");
  EXPECT_EQ(KeyAt("/quarter", json), "-0.25");
}

TEST(PartitionKey, PointerToBooleansGivesTheirText) {
  EXPECT_EQ(KeyAt("/flags/on", R"({"flags":{"on":true,"off":false}})"), "true");
  EXPECT_EQ(KeyAt("/flags/off", R"({"flags":{"on":true,"off":false}})"), "false");
}

TEST(PartitionKey, PointerToNestedField) {
  const std::string_view json = R"({"context":{"traits":{"account":{"id":"acc-9"}}}})";
  EXPECT_EQ(KeyAt("/context/traits/account/id", json), "acc-9");
}

TEST(PartitionKey, PointerToArrayElement) {
  const std::string_view json = R"({"items":[{"id":"first"},{"id":"second"}],"tags":["a","b",3]})";
  EXPECT_EQ(KeyAt("/items/0/id", json), "first");
  EXPECT_EQ(KeyAt("/items/1/id", json), "second");
  EXPECT_EQ(KeyAt("/tags/1", json), "b");
  EXPECT_EQ(KeyAt("/tags/2", json), "3");
  ExpectInvalid("/items/2/id", json);  // past the end
  ExpectInvalid("/items/x/id", json);  // not an index
  ExpectInvalid("/items/-", json);     // "-" names the element after the last
}

TEST(PartitionKey, PointerToMissingFieldIsInvalid) {
  ExpectInvalid("/missing", R"({"present":"p"})");
  ExpectInvalid("/present/deeper", R"({"present":"p"})");
  ExpectInvalid("/a/b/c", R"({"a":{"b":{}}})");
}

TEST(PartitionKey, PointerMessageNamesThePointer) {
  auto key = PartitionKeyFor("/properties/orderId", EventWithJson(R"({"properties":{}})"));
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("/properties/orderId"), std::string::npos) << key.status().message();
}

TEST(PartitionKey, PointerToNullObjectOrArrayIsInvalid) {
  const std::string_view json = R"({"n":null,"o":{"a":"x"},"arr":["x"]})";
  ExpectInvalid("/n", json);
  ExpectInvalid("/o", json);
  ExpectInvalid("/arr", json);
}

TEST(PartitionKey, PointerToEmptyStringIsInvalid) {
  // Kinesis rejects an empty partition key; better to dead-letter the record with a reason.
  ExpectInvalid("/k", R"({"k":""})");
}

TEST(PartitionKey, EmptyPointerIsTheWholeMessageAndInvalid) {
  ExpectInvalid("", R"({"k":"v"})");
}

TEST(PartitionKey, EscapedPointerTokens) {
  const std::string_view json = R"({"a/b":"slash","m~n":"tilde","~1":"literal","x":{"c/d~e":"both"}})";
  EXPECT_EQ(KeyAt("/a~1b", json), "slash");
  EXPECT_EQ(KeyAt("/m~0n", json), "tilde");
  // RFC 6901: "~01" is "~1", not "/" (~0 is decoded last).
  EXPECT_EQ(KeyAt("/~01", json), "literal");
  EXPECT_EQ(KeyAt("/x/c~1d~0e", json), "both");
  ExpectInvalid("/a/b", json);   // an unescaped slash splits the token
  ExpectInvalid("/a~2b", json);  // not an escape
  ExpectInvalid("/m~", json);    // dangling escape
}

TEST(PartitionKey, NonAsciiKeys) {
  const std::string_view json = R"({"kullanıcı":{"kimlik":"k-ç"},"\u00e9t\u00e9":"summer","日本":["東京"]})";
  EXPECT_EQ(KeyAt("/kullanıcı/kimlik", json), "k-ç");
  EXPECT_EQ(KeyAt("/été", json), "summer");  // the key was written with \u escapes
  EXPECT_EQ(KeyAt("/日本/0", json), "東京");
  ExpectInvalid("/kullanici/kimlik", json);
}

TEST(PartitionKey, DamagedMessageIsInvalid) {
  ExpectInvalid("/k", R"({"k":"v")");
  ExpectInvalid("/k", "");
}

TEST(PartitionKey, ReusesItsParserAcrossEvents) {
  // The parser is reused; a key must not borrow from a previous event's document.
  const std::string first_json = R"({"k":"first-value"})";
  const std::string second_json = R"({"k":"second"})";
  auto first = PartitionKeyFor("/k", EventWithJson(first_json));
  auto second = PartitionKeyFor("/k", EventWithJson(second_json));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, "first-value");
  EXPECT_EQ(*second, "second");
}

}  // namespace
}  // namespace streamhook::hooks
