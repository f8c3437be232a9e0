#include "profiles/profile_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "profiles/profile_test_util.h"
#include "support/test_env.h"

namespace streamhook::profiles {
namespace {

using namespace streamhook::profiles::testing;
using Strings = std::vector<std::string>;

class ProfileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    auto store = ProfileStore::Open({dir_.path() / kProfilesDbFile, true});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  ApplyStats Apply(std::vector<ProfileChange> changes) {
    const spool::Lsn next = changes.empty() ? 1 : changes.back().lsn + 1;
    auto stats = store_->Apply(changes, next);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : ApplyStats{};
  }

  ::streamhook::testing::TempDir dir_;
  std::unique_ptr<ProfileStore> store_;
};

TEST_F(ProfileStoreTest, IdentifyCreatesAProfileWithTraitsAndIdentities) {
  const ApplyStats stats = Apply({Identify(1, "u1", "a1", R"({"name":"Ann","email":"ann@x.io"})",
                                           {{"email", "ann@x.io"}, {"ga_client_id", "GA1"}})});
  EXPECT_EQ(stats.applied, 1u);
  EXPECT_EQ(stats.created, 1u);
  const Profile p = Find(*store_, "u1", "");
  ASSERT_NE(p.id, 0);
  EXPECT_EQ(p.traits_json, R"({"name":"Ann","email":"ann@x.io"})");
  EXPECT_EQ(Values(p, kUserId), Strings{"u1"});
  EXPECT_EQ(Values(p, kAnonymousId), Strings{"a1"});
  EXPECT_EQ(p.Latest(kEmail), "ann@x.io");
  EXPECT_EQ(p.Latest("ga_client_id"), "GA1");
  EXPECT_EQ(p.created_lsn, 1u);
  EXPECT_EQ(p.updated_lsn, 1u);
  EXPECT_EQ(p.updated_at_ms, 1700000000001);
  EXPECT_EQ(Find(*store_, "", "a1").id, p.id);
  EXPECT_EQ(Find(*store_, "nobody", "").id, 0);
}

TEST_F(ProfileStoreTest, LaterIdentifiesMergeTraitsAtTheTopLevel) {
  Apply({Identify(1, "u1", "", R"({"plan":"free","address":{"city":"Izmir","zip":"35000"}})")});
  Apply({Identify(2, "u1", "", R"({"plan":"pro","age":30})"),
         Identify(3, "u1", "", R"({"address":{"city":"Ankara"},"age":null})")});
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(p.traits_json, R"({"plan":"pro","address":{"city":"Ankara"},"age":null})");
  EXPECT_EQ(p.updated_lsn, 3u);
}

TEST_F(ProfileStoreTest, NewestEmailIsTheCurrentOneAndOldOnesAreKept) {
  Apply({Identify(1, "u1", "", "", {{"email", "old@x.io"}}),
         Identify(2, "u1", "", "", {{"email", "new@x.io"}})});
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(p.Latest(kEmail), "new@x.io");
  EXPECT_EQ(Values(p, kEmail), (Strings{"old@x.io", "new@x.io"}));
}

TEST_F(ProfileStoreTest, AnAnonymousProfileBecomesTheUsersWhenIdentified) {
  Apply({Identify(1, "", "a1", R"({"color":"red"})")});
  const int64_t anonymous = Find(*store_, "", "a1").id;
  ASSERT_NE(anonymous, 0);
  const ApplyStats stats = Apply({Identify(2, "u1", "a1", R"({"name":"Ann"})")});
  EXPECT_EQ(stats.created, 0u);
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(p.id, anonymous);
  EXPECT_EQ(p.traits_json, R"({"color":"red","name":"Ann"})");
  EXPECT_EQ(Values(p, kUserId), Strings{"u1"});
}

TEST_F(ProfileStoreTest, IdentifyMergesAnAnonymousProfileIntoAKnownUserNewestWins) {
  Apply({Identify(1, "u1", "a1", R"({"plan":"free","name":"Ann"})"),
         Identify(2, "", "a2", R"({"plan":"pro","color":"red"})")});
  const int64_t user = Find(*store_, "u1", "").id;
  const int64_t device = Find(*store_, "", "a2").id;
  ASSERT_NE(user, device);
  const ApplyStats stats = Apply({Identify(3, "u1", "a2")});
  EXPECT_EQ(stats.merged, 1u);
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(p.id, user);
  EXPECT_EQ(p.traits_json, R"({"plan":"pro","name":"Ann","color":"red"})");  // a2 was updated later
  EXPECT_EQ(Values(p, kAnonymousId), (Strings{"a1", "a2"}));
  EXPECT_EQ(Find(*store_, "", "a2").id, user);
}

TEST_F(ProfileStoreTest, ADeviceOfOneUserIsNotMergedIntoAnother) {
  Apply({Identify(1, "u1", "a1", R"({"name":"Ann"})")});
  const ApplyStats stats = Apply({Identify(2, "u2", "a1", R"({"name":"Bob"})")});
  EXPECT_EQ(stats.conflicts, 1u);
  const Profile ann = Find(*store_, "u1", "");
  const Profile bob = Find(*store_, "u2", "");
  ASSERT_NE(bob.id, 0);
  EXPECT_NE(ann.id, bob.id);
  EXPECT_EQ(ann.traits_json, R"({"name":"Ann"})");
  EXPECT_EQ(bob.traits_json, R"({"name":"Bob"})");
  EXPECT_EQ(Values(bob, kAnonymousId), Strings{});
  EXPECT_EQ(Find(*store_, "", "a1").id, ann.id);
  // Lookup by Bob's userId never falls back to Ann's device.
  EXPECT_EQ(Find(*store_, "u3", "a1").id, 0);
}

TEST_F(ProfileStoreTest, EmailsDescribeButNeverJoinProfiles) {
  Apply({Identify(1, "u1", "", "", {{"email", "shared@x.io"}}),
         Identify(2, "u2", "", "", {{"email", "shared@x.io"}})});
  const Profile u1 = Find(*store_, "u1", ""), u2 = Find(*store_, "u2", "");
  EXPECT_NE(u1.id, u2.id);
  EXPECT_EQ(u1.Latest(kEmail), "shared@x.io");
  EXPECT_EQ(u2.Latest(kEmail), "shared@x.io");
}

TEST_F(ProfileStoreTest, AliasOfAnAnonymousIdMakesItTheUsers) {
  Apply({Identify(1, "", "a1", R"({"color":"red"})")});
  Apply({Alias(2, "a1", "u1")});
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(p.traits_json, R"({"color":"red"})");
  EXPECT_EQ(Values(p, kUserId), Strings{"u1"});
  EXPECT_EQ(Find(*store_, "", "a1").id, p.id);  // events that still carry only a1 find the user
}

TEST_F(ProfileStoreTest, AliasMergesTwoProfilesAndLookupByAnonymousIdFindsTheResult) {
  Apply({Identify(1, "u1", "", R"({"name":"Ann"})"),
         Identify(2, "", "a9", R"({"cart":3})", {{"phone", "+1"}})});
  const ApplyStats stats = Apply({Alias(3, "a9", "u1")});
  EXPECT_EQ(stats.merged, 1u);
  const Profile p = Find(*store_, "", "a9");
  EXPECT_EQ(p.id, Find(*store_, "u1", "").id);
  EXPECT_EQ(p.traits_json, R"({"name":"Ann","cart":3})");
  EXPECT_EQ(p.Latest(kPhone), "+1");
  EXPECT_EQ(Values(p, kAnonymousId), Strings{"a9"});
}

TEST_F(ProfileStoreTest, AliasRenamesAUserAndKeepsTheOldIdAsPreviousId) {
  Apply({Identify(1, "old", "", R"({"name":"Ann"})")});
  Apply({Alias(2, "old", "new")});
  const Profile p = Find(*store_, "new", "");
  EXPECT_EQ(p.traits_json, R"({"name":"Ann"})");
  EXPECT_EQ(Values(p, kUserId), Strings{"new"});
  EXPECT_EQ(Values(p, kPreviousId), Strings{"old"});
  // A late identify with the old id still reaches the profile, without giving it a second userId.
  Apply({Identify(3, "old", "", R"({"age":40})")});
  const Profile after = Find(*store_, "old", "");
  EXPECT_EQ(after.id, p.id);
  EXPECT_EQ(after.traits_json, R"({"name":"Ann","age":40})");
  EXPECT_EQ(Values(after, kUserId), Strings{"new"});
}

TEST_F(ProfileStoreTest, AliasOfUnknownIdsCreatesTheUserWithAPreviousId) {
  const ApplyStats stats = Apply({Alias(1, "p7", "u1", "a5")});
  EXPECT_EQ(stats.created, 1u);
  const Profile p = Find(*store_, "u1", "");
  EXPECT_EQ(Values(p, kPreviousId), Strings{"p7"});
  EXPECT_EQ(Values(p, kAnonymousId), Strings{"a5"});
  EXPECT_EQ(Find(*store_, "", "p7").id, p.id);
  EXPECT_EQ(Find(*store_, "p7", "").id, p.id);
}

TEST_F(ProfileStoreTest, AliasOfAnotherUsersDeviceIsRefused) {
  Apply({Identify(1, "u1", "a1"), Identify(2, "u2", "")});
  const ApplyStats stats = Apply({Alias(3, "a1", "u2")});
  EXPECT_EQ(stats.conflicts, 1u);
  EXPECT_EQ(Find(*store_, "", "a1").id, Find(*store_, "u1", "").id);
  EXPECT_NE(Find(*store_, "u1", "").id, Find(*store_, "u2", "").id);
}

TEST_F(ProfileStoreTest, AppliedPositionSurvivesReopenAndReplayChangesNothing) {
  EXPECT_FALSE(store_->StoredNext()->has_value());
  Apply({Identify(1, "u1", "", R"({"plan":"free"})"), Identify(2, "u1", "", R"({"plan":"pro"})"),
         Alias(3, "u1", "v1")});
  Reopen();  // as after a crash: only what SQLite committed remains
  ASSERT_EQ(store_->StoredNext()->value_or(0), 4u);
  // The spool hands the same records again (cursor saved before the crash lagged behind).
  ApplyStats replay = Apply({Identify(1, "u1", "", R"({"plan":"free"})")});
  EXPECT_EQ(replay.replayed, 1u);
  EXPECT_EQ(replay.applied, 0u);
  replay = Apply({Identify(1, "u1", "", R"({"plan":"free"})"), Identify(2, "u1", "", R"({"plan":"pro"})"),
                  Alias(3, "u1", "v1")});
  EXPECT_EQ(replay.replayed, 3u);
  EXPECT_EQ(store_->StoredNext()->value_or(0), 4u);  // a replay never moves the position back
  Profile p = Find(*store_, "v1", "");
  EXPECT_EQ(p.traits_json, R"({"plan":"pro"})");  // not "free" again
  EXPECT_EQ(Values(p, kPreviousId), Strings{"u1"});
  EXPECT_EQ(Values(p, kUserId), Strings{"v1"});
  // Records after the position apply normally.
  EXPECT_EQ(Apply({Identify(4, "v1", "", R"({"plan":"team"})")}).applied, 1u);
  EXPECT_EQ(Find(*store_, "v1", "").traits_json, R"({"plan":"team"})");
}

TEST_F(ProfileStoreTest, ABadChangeIsSkippedAloneAndTheBatchCommits) {
  ProfileChange bad = Identify(2, "u2", "", "[1,2]");  // traits not an object: MergeTraits refuses
  const ApplyStats stats =
      Apply({Identify(1, "u1", "", R"({"a":1})"), bad, Identify(3, "u3", "", R"({"c":3})")});
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(Find(*store_, "u1", "").traits_json, R"({"a":1})");
  EXPECT_EQ(Find(*store_, "u2", "").id, 0);  // its partial work (the new profile) was rolled back
  EXPECT_EQ(Find(*store_, "u3", "").traits_json, R"({"c":3})");
  EXPECT_EQ(store_->StoredNext()->value_or(0), 4u);
}

TEST_F(ProfileStoreTest, AppliedEndFollowsApplyAndMarkApplied) {
  EXPECT_EQ(store_->applied_end(), 0u);
  EXPECT_FALSE(store_->WaitApplied(1, std::chrono::milliseconds(1)));
  Apply({Identify(1, "u1", "")});
  EXPECT_EQ(store_->applied_end(), 2u);
  EXPECT_TRUE(store_->WaitApplied(1, std::chrono::milliseconds(0)));
  store_->MarkApplied(10);
  EXPECT_EQ(store_->applied_end(), 10u);
  store_->MarkApplied(5);  // never backwards
  EXPECT_EQ(store_->applied_end(), 10u);
  std::thread later([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    store_->MarkApplied(12);
  });
  EXPECT_TRUE(store_->WaitApplied(11, std::chrono::seconds(5)));
  later.join();
}

TEST_F(ProfileStoreTest, LookupsRunConcurrentlyWithMergingUpdates) {
  // Each user u<i> goes through: anonymous profile -> identified (merge) -> counter traits. Readers
  // must never see a half-applied merge nor a counter going backwards.
  constexpr int kUsers = 40;
  constexpr int kRounds = 30;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> lookups{0};
  std::atomic<int> failures{0};
  auto reader = [&] {
    std::vector<int64_t> last(kUsers, -1);
    while (!done) {
      for (int i = 0; i < kUsers; ++i) {
        auto profile = store_->Lookup("u" + std::to_string(i), "a" + std::to_string(i));
        ++lookups;
        if (!profile.ok()) {
          ++failures;
          continue;
        }
        if (!*profile) continue;
        const std::string& traits = (*profile)->traits_json;
        const auto at = traits.find("\"n\":");
        if (at == std::string::npos) continue;
        const int64_t n = std::stoll(traits.substr(at + 4));
        if (n < last[i]) ++failures;
        last[i] = n;
        // An identified profile always carries its userId with the anonymous id it absorbed.
        const auto user_ids = Values(**profile, kUserId);
        if (!user_ids.empty() && Values(**profile, kAnonymousId).empty()) ++failures;
      }
    }
  };
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) readers.emplace_back(reader);
  spool::Lsn lsn = 1;
  std::vector<ProfileChange> batch;
  for (int i = 0; i < kUsers; ++i)
    batch.push_back(Identify(lsn++, "", "a" + std::to_string(i), R"({"n":0})"));
  Apply(batch);
  for (int round = 1; round <= kRounds; ++round) {
    batch.clear();
    for (int i = 0; i < kUsers; ++i) {
      batch.push_back(Identify(lsn++, "u" + std::to_string(i), round == 1 ? "a" + std::to_string(i) : "",
                               R"({"n":)" + std::to_string(round) + "}"));
    }
    Apply(batch);
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(lookups.load(), 0u);
  for (int i = 0; i < kUsers; ++i) {
    const Profile p = Find(*store_, "u" + std::to_string(i), "");
    EXPECT_EQ(p.traits_json, R"({"n":)" + std::to_string(kRounds) + "}");
    EXPECT_EQ(Find(*store_, "", "a" + std::to_string(i)).id, p.id);
  }
}

TEST(ProfileStoreOpenTest, RefusesAFileThatIsNotAProfileDatabase) {
  ::streamhook::testing::TempDir dir;
  const auto path = dir.path() / "profiles.db";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::string junk(4096, 'x');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fclose(f);
  }
  auto store = ProfileStore::Open({path, true});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption) << store.status().ToString();
}

}  // namespace
}  // namespace streamhook::profiles
