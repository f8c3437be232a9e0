// User profiles through `streamhook serve`: a netmera hook's payload carries the traits an earlier
// identify set (the profile), and with `--no-profiles` only what the event itself says, with no
// profiles.db, no profile metrics and no spool cursor holding segments for profiles.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

class ProfilesTest : public ServeTest {
 protected:
  // identify(u-1, plan=pro, email) then track(u-1) whose context.traits says plan=free; returns the
  // track's netmera payload `user` object as JSON ("" when it did not arrive).
  std::string UserOfTrackedEvent() {
    const std::string hook =
        CreateHook(R"({"name":"nm","streamName":"nm-events","triggers":["TRACK"],"payloadFormat":"netmera",)"
                   R"("batch":{"lingerMs":20}})");
    EXPECT_FALSE(hook.empty());
    EXPECT_TRUE(WaitForHookActive(hook, true));
    EXPECT_EQ(
        Post("/v1/identify", R"({"userId":"u-1","traits":{"plan":"pro","email":"u1@example.com","age":41}})")
            .status,
        200);
    EXPECT_EQ(Post("/v1/track", R"({"userId":"u-1","event":"Order Completed","messageId":"track-1",)"
                                R"("context":{"traits":{"plan":"free"}}})")
                  .status,
              200);
    EXPECT_TRUE(WaitForDelivery(std::chrono::seconds(60)));
    simdjson::dom::parser parser;
    for (const auto& record : ReadStream("nm-events")) {
      simdjson::dom::element payload;
      std::string_view id;
      if (parser.parse(record.data).get(payload) != simdjson::SUCCESS) continue;
      if (payload["event"]["messageId"].get_string().get(id) != simdjson::SUCCESS || id != "track-1")
        continue;
      return simdjson::minify(payload["user"]);
    }
    ADD_FAILURE() << "the tracked event did not reach the stream";
    return "";
  }

  std::string SpoolCursors() {
    std::ifstream in(server().data_dir() / "spool" / "cursors");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

TEST_F(ProfilesTest, NetmeraPayloadsCarryTheProfileAnIdentifySet) {
  ASSERT_TRUE(StartAll({{"nm-events", 1}}));
  const std::string user = UserOfTrackedEvent();
  std::printf("[e2e] profiles on: user = %s\n", user.c_str());
  EXPECT_NE(user.find(R"("plan":"pro")"), std::string::npos) << user;
  EXPECT_NE(user.find(R"("age":41)"), std::string::npos) << user;
  EXPECT_NE(user.find("u1@example.com"), std::string::npos) << user;
  EXPECT_TRUE(std::filesystem::exists(server().data_dir() / "profiles.db"));
  EXPECT_TRUE(server().Metric("streamhook_profile_changes_applied_total").has_value());
}

TEST_F(ProfilesTest, WithProfilesOffPayloadsTakeTheEventsOwnTraits) {
  ASSERT_TRUE(StartAll({{"nm-events", 1}}, {"--no-profiles"}));
  const std::string user = UserOfTrackedEvent();
  std::printf("[e2e] profiles off: user = %s\n", user.c_str());
  EXPECT_NE(user.find(R"("plan":"free")"), std::string::npos) << user;
  EXPECT_EQ(user.find(R"("plan":"pro")"), std::string::npos) << user;
  EXPECT_FALSE(std::filesystem::exists(server().data_dir() / "profiles.db"));
  EXPECT_FALSE(server().Metric("streamhook_profile_changes_applied_total").has_value());
  EXPECT_NE(server().Log().find("profiles off"), std::string::npos);
}

TEST_F(ProfilesTest, TurningProfilesOffReleasesTheirSpoolCursor) {
  ASSERT_TRUE(StartAll({{"nm-events", 1}}));
  ASSERT_EQ(Post("/v1/identify", R"({"userId":"u-2","traits":{"plan":"pro"}})").status, 200);
  ASSERT_EQ(server().Stop(), 0);
  EXPECT_NE(SpoolCursors().find("profiles"), std::string::npos) << "the updater keeps a cursor:\n"
                                                                << SpoolCursors();
  // Otherwise the cursor, never moving again, would keep every later segment on disk.
  server().SetExtraArgs({"--no-profiles"});
  ASSERT_TRUE(server().Start());
  EXPECT_EQ(SpoolCursors().find("profiles"), std::string::npos) << SpoolCursors();
}

}  // namespace
}  // namespace streamhook::e2e
