#include "profiles/user_json.h"

#include <gtest/gtest.h>

namespace streamhook::profiles {
namespace {

std::string Written(const Profile& profile, const EventView& event) {
  std::string out;
  JsonWriter w(&out);
  WriteProfileUser(profile, event, w);
  return out;
}

Profile Ann() {
  Profile p;
  p.id = 7;
  p.traits_json = R"({"name":"Ann"})";
  p.identities = {{"anonymousId", "a1", 1},    {"email", "old@x.io", 1}, {"userId", "u1", 2},
                  {"previousId", "legacy", 3}, {"anonymousId", "a2", 4}, {"email", "ann@x.io", 4},
                  {"ga_client_id", "GA1", 4}};
  return p;
}

TEST(UserJsonTest, WritesTheProfilesAttributesAndIdentities) {
  EventView event;
  event.user_id = "u1";
  EXPECT_EQ(Written(Ann(), event),
            R"({"userId":"u1","anonymousId":"a2","attributes":{"name":"Ann"},"identities":{"userId":"u1",)"
            R"("anonymousId":"a2","email":"ann@x.io","ga_client_id":"GA1","anonymousIds":["a1","a2"],)"
            R"("previousIds":["legacy"]}})");
}

TEST(UserJsonTest, TheEventsOwnIdsComeFirst) {
  EventView event;
  event.user_id = "legacy";
  event.anonymous_id = "a1";
  const std::string json = Written(Ann(), event);
  EXPECT_NE(json.find(R"({"userId":"legacy","anonymousId":"a1",)"), std::string::npos) << json;
}

TEST(UserJsonTest, AnEmptyProfileStillWritesAnObject) {
  Profile p;
  EventView event;
  event.anonymous_id = "a9";
  EXPECT_EQ(Written(p, event), R"({"anonymousId":"a9","attributes":{},"identities":{"anonymousId":"a9"}})");
}

}  // namespace
}  // namespace streamhook::profiles
