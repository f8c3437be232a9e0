#include "profiles/profile_change.h"

#include <gtest/gtest.h>

namespace streamhook::profiles {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

EventView View(Trigger trigger, std::string_view json, std::string_view user_id,
               std::string_view anonymous_id) {
  EventView event;
  event.trigger = trigger;
  event.received_at_ms = 1700000000000;
  event.message_id = "m-1";
  event.user_id = user_id;
  event.anonymous_id = anonymous_id;
  event.json = json;
  return event;
}

ProfileChange ChangeOf(const EventView& event, spool::Lsn lsn = 7) {
  auto change = ProfileChangeOf(event, lsn);
  EXPECT_TRUE(change.ok()) << change.status().ToString();
  EXPECT_TRUE(change.ok() && change->has_value());
  return change.ok() && *change ? **change : ProfileChange{};
}

TEST(ProfileChangeTest, IdentifyCarriesIdsTraitsAndIdentifiers) {
  const char* json = R"({"type":"identify","userId":"u1","anonymousId":"a1",
    "traits":{"name":"Ann","email":"ann@x.io","phone":"+90 555"},
    "context":{"externalIds":[{"id":"GA1.2","type":"ga_client_id","collection":"users"},
                              {"id":"u1","type":"user_id"},{"id":42,"type":"crm_id"},{"type":"no_id"}]}})";
  const ProfileChange c = ChangeOf(View(Trigger::kIdentify, json, "u1", "a1"));
  EXPECT_EQ(c.lsn, 7u);
  EXPECT_EQ(c.trigger, Trigger::kIdentify);
  EXPECT_EQ(c.received_at_ms, 1700000000000);
  EXPECT_EQ(c.user_id, "u1");
  EXPECT_EQ(c.anonymous_id, "a1");
  EXPECT_EQ(c.traits_json, R"({"name":"Ann","email":"ann@x.io","phone":"+90 555"})");
  EXPECT_EQ(
      c.identities,
      (Pairs{{"email", "ann@x.io"}, {"phone", "+90 555"}, {"ga_client_id", "GA1.2"}, {"crm_id", "42"}}));
}

TEST(ProfileChangeTest, IdentifyFallsBackToContextTraitsForIdentifiersOnly) {
  const char* json =
      R"({"type":"identify","anonymousId":"a1","context":{"traits":{"email":"c@x.io","plan":"pro"}}})";
  const ProfileChange c = ChangeOf(View(Trigger::kIdentify, json, "", "a1"));
  EXPECT_EQ(c.traits_json, "");  // context.traits describe the client's cache, not an update
  EXPECT_EQ(c.identities, (Pairs{{"email", "c@x.io"}}));
}

TEST(ProfileChangeTest, AliasCarriesPreviousId) {
  const ProfileChange c =
      ChangeOf(View(Trigger::kAlias, R"({"type":"alias","previousId":"anon-9","userId":"u1"})", "u1", ""));
  EXPECT_EQ(c.trigger, Trigger::kAlias);
  EXPECT_EQ(c.previous_id, "anon-9");
  EXPECT_EQ(c.user_id, "u1");
  const ProfileChange numeric =
      ChangeOf(View(Trigger::kAlias, R"({"type":"alias","previousId":1234,"userId":"u1"})", "u1", ""));
  EXPECT_EQ(numeric.previous_id, "1234");
}

TEST(ProfileChangeTest, OtherTriggersChangeNothing) {
  for (Trigger trigger : {Trigger::kTrack, Trigger::kPage, Trigger::kScreen, Trigger::kGroup, Trigger::kEvent,
                          Trigger::kMessageLog}) {
    auto change = ProfileChangeOf(View(trigger, R"({"traits":{"a":1}})", "u1", ""), 3);
    ASSERT_TRUE(change.ok());
    EXPECT_FALSE(change->has_value()) << TriggerName(trigger);
  }
}

TEST(ProfileChangeTest, DamagedMessagesAreRefused) {
  EXPECT_FALSE(ProfileChangeOf(View(Trigger::kIdentify, "[1]", "u1", ""), 1).ok());
  EXPECT_FALSE(ProfileChangeOf(View(Trigger::kIdentify, "{", "u1", ""), 1).ok());
  EXPECT_FALSE(ProfileChangeOf(View(Trigger::kAlias, R"({"userId":"u1"})", "u1", ""), 1).ok());
}

}  // namespace
}  // namespace streamhook::profiles
