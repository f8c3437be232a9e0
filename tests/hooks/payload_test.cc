#include "hooks/payload.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "support/test_env.h"

namespace streamhook::hooks {
namespace {

using simdjson::dom::element;

config::Hook HookWithFormat(config::PayloadFormat format) {
  config::Hook hook;
  hook.id = "hk_01HZX";
  hook.name = "all";
  hook.stream_name = "events";
  hook.triggers = {Trigger::kTrack, Trigger::kIdentify, Trigger::kEvent, Trigger::kMessageLog};
  hook.payload_format = format;
  return hook;
}

EventView EventOf(Trigger trigger, std::string_view json, std::string_view user_id = "u-1",
                  std::string_view anonymous_id = "", std::string_view event_code = "") {
  EventView event;
  event.trigger = trigger;
  event.received_at_ms = 1700000000123;  // 2023-11-14T22:13:20.123Z
  event.source_id = "src-1";
  event.message_id = "m-1";
  event.user_id = user_id;
  event.anonymous_id = anonymous_id;
  event.event_code = event_code;
  event.json = json;
  return event;
}

// Parses what BuildPayload wrote, failing the test when it is not one JSON object.
class ParsedPayload {
 public:
  ParsedPayload(const config::Hook& hook, const EventView& event,
                const profiles::ProfileStore* profiles = nullptr) {
    const Status status = BuildPayload(hook, event, &text_, profiles);
    EXPECT_TRUE(status.ok()) << status.ToString();
    const auto error = parser_.parse(text_).get(root_);
    EXPECT_EQ(error, simdjson::SUCCESS) << simdjson::error_message(error) << " in " << text_;
    parsed_ = !error && root_.is_object();
  }

  bool parsed() const { return parsed_; }
  const std::string& text() const { return text_; }

  // The string at `pointer`, or "<absent>" / "<not a string>".
  std::string String(std::string_view pointer) {
    element value;
    if (root_.at_pointer(pointer).get(value) != simdjson::SUCCESS) return "<absent>";
    std::string_view s;
    if (value.get_string().get(s) != simdjson::SUCCESS) return "<not a string>";
    return std::string(s);
  }
  bool Has(std::string_view pointer) {
    element value;
    return root_.at_pointer(pointer).get(value) == simdjson::SUCCESS;
  }
  // The value at `pointer` as compact JSON, or "<absent>".
  std::string Minified(std::string_view pointer) {
    element value;
    if (root_.at_pointer(pointer).get(value) != simdjson::SUCCESS) return "<absent>";
    return simdjson::minify(value);
  }
  std::vector<std::string> Keys(std::string_view pointer) {
    std::vector<std::string> keys;
    simdjson::dom::object object;
    if (root_.at_pointer(pointer).get_object().get(object) != simdjson::SUCCESS) return keys;
    for (auto field : object) keys.emplace_back(field.key);
    return keys;
  }

 private:
  std::string text_;
  simdjson::dom::parser parser_;
  element root_;
  bool parsed_ = false;
};

std::string Minify(std::string_view json) {
  simdjson::dom::parser parser;
  element doc;
  EXPECT_EQ(parser.parse(json.data(), json.size()).get(doc), simdjson::SUCCESS) << json;
  return simdjson::minify(doc);
}

constexpr std::string_view kIdentifyJson =
    R"({"type":"identify","messageId":"m-1","userId":"u-1","anonymousId":"a-1",)"
    R"("traits":{"email":"ada@example.com","plan":"pro","age":36},)"
    R"("context":{"traits":{"email":"other@example.com","plan":"free"}},)"
    R"("timestamp":"2023-11-14T22:13:19.000Z","receivedAt":"2023-11-14T22:13:20.123Z"})";

constexpr std::string_view kTrackJson =
    R"({"type":"track","event":"Order Completed","messageId":"m-1","userId":"u-1",)"
    R"("properties":{"total":12.5,"items":[{"id":"i1"}]},)"
    R"("context":{"traits":{"email":"ctx@example.com","name":"Ada"},"ip":"192.0.2.1"},)"
    R"("timestamp":"2023-11-14T22:00:00.000Z"})";

TEST(SegmentPayload, IsTheStoredMessageByteForByte) {
  // Odd spacing and escapes survive untouched: the stored bytes are the record.
  const std::string json = "{ \"type\":\"track\",\n \"event\":\"a\\u00e7\\\"b\", \"n\": 1.50 }";
  const auto hook = HookWithFormat(config::PayloadFormat::kSegment);
  std::string out;
  ASSERT_TRUE(BuildPayload(hook, EventOf(Trigger::kTrack, json), &out).ok());
  EXPECT_EQ(out, json);
}

TEST(SegmentPayload, AppendsToWhatIsThere) {
  const auto hook = HookWithFormat(config::PayloadFormat::kSegment);
  std::string out = "prefix|";
  ASSERT_TRUE(BuildPayload(hook, EventOf(Trigger::kTrack, kTrackJson), &out).ok());
  EXPECT_EQ(out, "prefix|" + std::string(kTrackJson));
}

TEST(NetmeraPayload, HasTheDocumentedTopLevelFields) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kTrack, kTrackJson, "u-1", "", "Order Completed"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.Keys(""),
            (std::vector<std::string>{"hookId", "trigger", "eventCode", "event", "user", "timestamp"}));
  EXPECT_EQ(p.String("/hookId"), "hk_01HZX");
  EXPECT_EQ(p.String("/trigger"), "TRACK");
  EXPECT_EQ(p.String("/eventCode"), "Order Completed");
  EXPECT_EQ(p.Minified("/event"), Minify(kTrackJson));
  EXPECT_EQ(p.String("/timestamp"), "2023-11-14T22:00:00.000Z");
}

TEST(NetmeraPayload, TriggerNamesForEveryTrigger) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  for (int t = 1; t <= 8; ++t) {
    const auto trigger = static_cast<Trigger>(t);
    ParsedPayload p(hook, EventOf(trigger, R"({"type":"x"})"));
    ASSERT_TRUE(p.parsed());
    EXPECT_EQ(p.String("/trigger"), TriggerName(trigger));
    EXPECT_EQ(p.String("/eventCode"), "");  // always present, empty without a code
  }
}

TEST(NetmeraPayload, IdentifyTraitsAreTheAttributes) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kIdentify, kIdentifyJson, "u-1", "a-1"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.Keys("/user"), (std::vector<std::string>{"userId", "anonymousId", "attributes", "identities"}));
  EXPECT_EQ(p.String("/user/userId"), "u-1");
  EXPECT_EQ(p.String("/user/anonymousId"), "a-1");
  // traits win over context.traits.
  EXPECT_EQ(p.Minified("/user/attributes"), R"({"email":"ada@example.com","plan":"pro","age":36})");
  EXPECT_EQ(p.String("/user/identities/userId"), "u-1");
  EXPECT_EQ(p.String("/user/identities/anonymousId"), "a-1");
  EXPECT_EQ(p.String("/user/identities/email"), "ada@example.com");
  EXPECT_EQ(p.String("/timestamp"), "2023-11-14T22:13:19.000Z");
}

TEST(NetmeraPayload, ContextTraitsAreTheAttributesWithoutTraits) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kTrack, kTrackJson));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.Minified("/user/attributes"), R"({"email":"ctx@example.com","name":"Ada"})");
  EXPECT_EQ(p.String("/user/identities/email"), "ctx@example.com");
}

TEST(NetmeraPayload, TraitsThatAreNotAnObjectFallBackToContextTraits) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kIdentify, R"({"traits":"oops","context":{"traits":{"a":1}}})"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.Minified("/user/attributes"), R"({"a":1})");
}

TEST(NetmeraPayload, NoTraitsGivesEmptyAttributesAndNoEmail) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kEvent,
                                R"({"type":"event","code":"n:buy","userId":"u-1",)"
                                R"("attributes":{"sku":"s"},"messageId":"m-1"})",
                                "u-1", "", "n:buy"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.String("/trigger"), "EVENT");
  EXPECT_EQ(p.String("/eventCode"), "n:buy");
  EXPECT_EQ(p.Minified("/user/attributes"), "{}");
  EXPECT_EQ(p.Keys("/user/identities"), (std::vector<std::string>{"userId"}));
}

TEST(NetmeraPayload, EmailThatIsNotAStringIsLeftOut) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kIdentify, R"({"traits":{"email":42}})"));
  ASSERT_TRUE(p.parsed());
  EXPECT_FALSE(p.Has("/user/identities/email")) << p.text();
}

TEST(NetmeraPayload, EmailFromContextTraitsWhenTraitsHaveNone) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload p(hook, EventOf(Trigger::kIdentify, R"({"traits":{"plan":"pro"},)"
                                                    R"("context":{"traits":{"email":"c@example.com"}}})"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.Minified("/user/attributes"), R"({"plan":"pro"})");
  EXPECT_EQ(p.String("/user/identities/email"), "c@example.com");
}

TEST(NetmeraPayload, AbsentIdsAreLeftOut) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload anonymous(hook, EventOf(Trigger::kPage, R"({"type":"page"})", "", "a-9"));
  ASSERT_TRUE(anonymous.parsed());
  EXPECT_FALSE(anonymous.Has("/user/userId"));
  EXPECT_EQ(anonymous.String("/user/anonymousId"), "a-9");
  EXPECT_EQ(anonymous.Keys("/user/identities"), (std::vector<std::string>{"anonymousId"}));

  ParsedPayload nobody(hook, EventOf(Trigger::kMessageLog, R"({"type":"message_log","id":"m-1"})", "", ""));
  ASSERT_TRUE(nobody.parsed());
  EXPECT_EQ(nobody.Keys("/user"), (std::vector<std::string>{"attributes", "identities"}));
  EXPECT_EQ(nobody.Minified("/user/identities"), "{}");
}

TEST(NetmeraPayload, TimestampFallsBackToReceivedAt) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  ParsedPayload missing(hook, EventOf(Trigger::kTrack, R"({"type":"track"})"));
  ASSERT_TRUE(missing.parsed());
  EXPECT_EQ(missing.String("/timestamp"), "2023-11-14T22:13:20.123Z");
  // A timestamp that is not a string is not copied as one.
  ParsedPayload numeric(hook, EventOf(Trigger::kTrack, R"({"timestamp":1700000000})"));
  ASSERT_TRUE(numeric.parsed());
  EXPECT_EQ(numeric.String("/timestamp"), "2023-11-14T22:13:20.123Z");
}

TEST(NetmeraPayload, MessageLogCarriesItsStatusAsTheCode) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  const std::string_view json =
      R"({"type":"message_log","id":"ml-1","messageId":"c-7","campaign":"spring","channel":"push",)"
      R"("status":"opened","userId":"u-5","time":"2023-11-14T21:00:00.000Z"})";
  ParsedPayload p(hook, EventOf(Trigger::kMessageLog, json, "u-5", "", "opened"));
  ASSERT_TRUE(p.parsed());
  EXPECT_EQ(p.String("/trigger"), "MESSAGE_LOG");
  EXPECT_EQ(p.String("/eventCode"), "opened");
  EXPECT_EQ(p.String("/event/campaign"), "spring");
  EXPECT_EQ(p.String("/user/userId"), "u-5");
}

TEST(NetmeraPayload, UnicodeAndEscapesStayValidJson) {
  auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  hook.id = "hk \"quoted\" \\ back";
  const std::string json =
      R"({"event":"Sipariş \"verildi\"\n","traits":{"ad":"Ayşe 😀","esc":"\u0001\t\ud83d\ude00","k\"ey":"v"},)"
      R"("timestamp":"2023-11-14T22:00:00.000Z"})";
  const std::string code = "Sipariş \"verildi\"\n\x01";
  ParsedPayload p(hook, EventOf(Trigger::kIdentify, json, "kullanıcı/ç\"", "", code));
  ASSERT_TRUE(p.parsed()) << p.text();
  EXPECT_EQ(p.String("/hookId"), hook.id);
  EXPECT_EQ(p.String("/eventCode"), code);
  EXPECT_EQ(p.String("/user/userId"), "kullanıcı/ç\"");
  EXPECT_EQ(p.String("/user/identities/userId"), "kullanıcı/ç\"");
  EXPECT_EQ(p.String("/user/attributes/ad"), "Ayşe 😀");
  EXPECT_EQ(p.String("/user/attributes/esc"), "\x01\t😀");
  EXPECT_EQ(p.String("/user/attributes/k\"ey"), "v");
  EXPECT_EQ(p.Minified("/event"), Minify(json));
}

TEST(NetmeraPayload, AppendsToWhatIsThere) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  std::string out = "[";
  ASSERT_TRUE(BuildPayload(hook, EventOf(Trigger::kTrack, kTrackJson), &out).ok());
  ASSERT_TRUE(BuildPayload(hook, EventOf(Trigger::kIdentify, kIdentifyJson), &(out += ",")).ok());
  out += "]";
  simdjson::dom::parser parser;
  simdjson::dom::array records;
  ASSERT_EQ(parser.parse(out).get_array().get(records), simdjson::SUCCESS) << out;
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records.at(0)["trigger"].get_string().value(), "TRACK");
  EXPECT_EQ(records.at(1)["trigger"].get_string().value(), "IDENTIFY");
  // Each record has its own attributes, not the previous event's (the parser is reused).
  EXPECT_EQ(simdjson::minify(records.at(1)["user"]["attributes"].value()),
            R"({"email":"ada@example.com","plan":"pro","age":36})");
}

TEST(NetmeraPayload, NonObjectMessageIsInvalidAndWritesNothing) {
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);
  for (std::string_view json : {R"([1,2])", R"("text")", "42", "null", R"({"a":)", ""}) {
    std::string out = "kept";
    const Status status = BuildPayload(hook, EventOf(Trigger::kTrack, json), &out);
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << json;
    EXPECT_NE(status.message().find("m-1"), std::string::npos) << status.message();  // names the event
    EXPECT_EQ(out, "kept") << json;
  }
}

TEST(NetmeraPayload, UserIsTheProfileWhenTheStoreHasOne) {
  streamhook::testing::TempDir dir;
  auto store = profiles::ProfileStore::Open({dir.path() / profiles::kProfilesDbFile, true});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  profiles::ProfileChange identify;
  identify.lsn = 1;
  identify.trigger = Trigger::kIdentify;
  identify.user_id = "u-1";
  identify.anonymous_id = "a-0";
  identify.traits_json = R"({"plan":"team","email":"p@example.com"})";
  identify.identities = {{"email", "p@example.com"}};
  ASSERT_TRUE((*store)->Apply({identify}, 2).ok());
  const auto hook = HookWithFormat(config::PayloadFormat::kNetmera);

  ParsedPayload p(hook, EventOf(Trigger::kTrack, kTrackJson, "u-1", "a-1"), store->get());
  ASSERT_TRUE(p.parsed());
  // The profile's traits, not the track's context.traits.
  EXPECT_EQ(p.Minified("/user/attributes"), R"({"plan":"team","email":"p@example.com"})");
  EXPECT_EQ(p.String("/user/identities/userId"), "u-1");
  EXPECT_EQ(p.String("/user/identities/anonymousId"), "a-1");  // the event's own
  EXPECT_EQ(p.String("/user/identities/email"), "p@example.com");
  EXPECT_EQ(p.Minified("/user/identities/anonymousIds"), R"(["a-0"])");

  // Nobody known: the event's own traits, as without a store.
  ParsedPayload unknown(hook, EventOf(Trigger::kTrack, kTrackJson, "u-2", ""), store->get());
  ASSERT_TRUE(unknown.parsed());
  EXPECT_EQ(unknown.Minified("/user/attributes"), R"({"email":"ctx@example.com","name":"Ada"})");
  EXPECT_EQ(unknown.String("/user/identities/email"), "ctx@example.com");
}

}  // namespace
}  // namespace streamhook::hooks
