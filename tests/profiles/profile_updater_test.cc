#include "profiles/profile_updater.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "common/replay_record.h"
#include "profiles/profile_test_util.h"
#include "support/test_env.h"

namespace streamhook::profiles {
namespace {

using namespace streamhook::profiles::testing;

std::string Record(Trigger trigger, std::string user_id, std::string anonymous_id, std::string json) {
  Event event;
  event.trigger = trigger;
  event.received_at_ms = 1700000000000;
  event.source_id = "src-1";
  event.message_id = "m-" + user_id + anonymous_id;
  event.user_id = std::move(user_id);
  event.anonymous_id = std::move(anonymous_id);
  event.json = std::move(json);
  std::string out;
  EncodeEvent(event, &out);
  return out;
}

std::string IdentifyRecord(const std::string& user_id, const std::string& anonymous_id,
                           const std::string& traits) {
  return Record(Trigger::kIdentify, user_id, anonymous_id, R"({"type":"identify","traits":)" + traits + "}");
}

class ProfileUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenSpool();
    OpenStore();
  }

  void OpenSpool(uint64_t segment_bytes = 64ull << 20) {
    spool::SpoolOptions options;
    options.dir = dir_.path() / "spool";
    options.segment_bytes = segment_bytes;
    auto spool = spool::Spool::Open(options);
    ASSERT_TRUE(spool.ok()) << spool.status().ToString();
    spool_ = std::move(*spool);
  }

  void OpenStore() {
    auto store = ProfileStore::Open({dir_.path() / kProfilesDbFile, true});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
  }

  std::unique_ptr<ProfileUpdater> NewUpdater() {
    auto updater = ProfileUpdater::Create(spool_.get(), store_.get());
    EXPECT_TRUE(updater.ok()) << updater.status().ToString();
    return updater.ok() ? std::move(*updater) : nullptr;
  }

  spool::Lsn Append(std::vector<std::string> records) {
    spool::Lsn first = 0;
    const Status s = spool_->AppendSync(std::move(records), &first);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return first;
  }

  ::streamhook::testing::TempDir dir_;
  std::unique_ptr<spool::Spool> spool_;
  std::unique_ptr<ProfileStore> store_;
};

TEST_F(ProfileUpdaterTest, AppliesIdentifyAndAliasInSpoolOrderAndCommitsItsCursor) {
  Append({Record(Trigger::kTrack, "", "a1", R"({"type":"track","event":"Viewed"})"),
          IdentifyRecord("", "a1", R"({"color":"red"})"),
          Record(Trigger::kAlias, "u1", "", R"({"type":"alias","previousId":"a1","userId":"u1"})"),
          IdentifyRecord("u1", "", R"({"name":"Ann","email":"ann@x.io"})")});
  auto updater = NewUpdater();  // a new store starts at the spool's oldest record
  ASSERT_TRUE(updater);
  ASSERT_TRUE(updater->CatchUp().ok());
  const Profile p = Find(*store_, "", "a1");
  EXPECT_EQ(p.traits_json, R"({"color":"red","name":"Ann","email":"ann@x.io"})");
  EXPECT_EQ(Values(p, kUserId), std::vector<std::string>{"u1"});
  EXPECT_EQ(p.Latest(kEmail), "ann@x.io");
  const UpdaterStats stats = updater->stats();
  EXPECT_EQ(stats.records_read, 4u);
  EXPECT_EQ(stats.applied.applied, 3u);
  EXPECT_EQ(stats.position, spool_->end_lsn());
  EXPECT_EQ(store_->applied_end(), spool_->end_lsn());
  EXPECT_EQ(store_->StoredNext()->value_or(0), spool_->end_lsn());
  ASSERT_TRUE(updater->CommitCursor().ok());
  EXPECT_EQ(spool_->CursorPosition("profiles").value_or(0), spool_->end_lsn());
}

TEST_F(ProfileUpdaterTest, ResumesAtTheStoresPositionAfterACrashBeforeTheCursorWasSaved) {
  Append({IdentifyRecord("u1", "", R"({"plan":"free"})"), IdentifyRecord("u1", "", R"({"plan":"pro"})")});
  {
    auto updater = NewUpdater();
    ASSERT_TRUE(updater->CatchUp().ok());
  }
  // The crash hit after the SQLite commit, before the cursor was saved: put it back.
  ASSERT_TRUE(spool_->CommitCursor("profiles", 1).ok());
  store_.reset();
  spool_.reset();
  OpenSpool();
  OpenStore();
  Append({IdentifyRecord("u1", "", R"({"age":30})")});
  auto updater = NewUpdater();
  ASSERT_TRUE(updater->CatchUp().ok());
  EXPECT_EQ(updater->stats().records_read, 1u);  // the two applied records are not read again
  EXPECT_EQ(Find(*store_, "u1", "").traits_json, R"({"plan":"pro","age":30})");
}

TEST_F(ProfileUpdaterTest, ALostStoreIsRebuiltFromWhatTheSpoolHolds) {
  Append({IdentifyRecord("u1", "a1", R"({"plan":"pro"})")});
  {
    auto updater = NewUpdater();
    ASSERT_TRUE(updater->CatchUp().ok());
  }  // saves the cursor at the end
  store_.reset();
  std::filesystem::remove(dir_.path() / kProfilesDbFile);
  std::filesystem::remove(dir_.path() / "profiles.db-wal");
  std::filesystem::remove(dir_.path() / "profiles.db-shm");
  OpenStore();
  auto updater = NewUpdater();
  ASSERT_TRUE(updater->CatchUp().ok());
  EXPECT_EQ(Find(*store_, "", "a1").traits_json, R"({"plan":"pro"})");
}

TEST_F(ProfileUpdaterTest, UnreadableRecordsAreCountedAndSkipped) {
  std::string replay;
  EncodeReplayRecord({"hk-1", "m-9", "u9", R"({"type":"identify","userId":"u9"})", 1700000000000}, &replay);
  Append({"not an event", replay, IdentifyRecord("u1", "", "[1]"),  // traits not an object: ignored
          Record(Trigger::kIdentify, "u2", "", "{broken"),
          Record(Trigger::kAlias, "u3", "", R"({"userId":"u3"})"),
          IdentifyRecord("u4", "", R"({"ok":true})")});
  auto updater = NewUpdater();
  ASSERT_TRUE(updater->CatchUp().ok());
  const UpdaterStats stats = updater->stats();
  EXPECT_EQ(stats.unreadable, 3u);  // the replayed dead letter is neither unreadable nor applied
  EXPECT_EQ(stats.applied.applied, 2u);
  EXPECT_EQ(Find(*store_, "u9", "").id, 0);
  EXPECT_EQ(Find(*store_, "u1", "").traits_json, "{}");
  EXPECT_EQ(Find(*store_, "u4", "").traits_json, R"({"ok":true})");
}

TEST_F(ProfileUpdaterTest, ItsThreadAppliesNewRecordsAndWaitAppliedSeesThem) {
  auto updater = NewUpdater();
  updater->Start();
  for (int i = 0; i < 20; ++i) {
    const spool::Lsn lsn = Append({IdentifyRecord("u1", "", R"({"n":)" + std::to_string(i) + "}")});
    ASSERT_TRUE(store_->WaitApplied(lsn, std::chrono::seconds(10)));
    // What a netmera hook reading `lsn` would see: the identify itself is in the profile.
    EXPECT_EQ(Find(*store_, "u1", "").traits_json, R"({"n":)" + std::to_string(i) + "}");
  }
  updater->Stop();
  EXPECT_EQ(spool_->CursorPosition("profiles").value_or(0), spool_->end_lsn());
}

TEST_F(ProfileUpdaterTest, ItsCursorHoldsSegmentsUntilApplied) {
  spool_.reset();
  OpenSpool(/*segment_bytes=*/4096);
  auto updater = NewUpdater();
  ASSERT_TRUE(spool_->OpenCursor("hook-h1").ok());
  for (int i = 0; i < 50; ++i) {
    Append({IdentifyRecord("u" + std::to_string(i), "", R"({"pad":")" + std::string(200, 'x') + "\"}")});
  }
  ASSERT_GT(spool_->Stats().segments, 2u);
  ASSERT_TRUE(spool_->CommitCursor("hook-h1", spool_->end_lsn()).ok());  // the hook is done
  EXPECT_EQ(spool_->Stats().segments_deleted, 0u);                       // the updater is not
  ASSERT_TRUE(updater->CatchUp().ok());
  ASSERT_TRUE(updater->CommitCursor().ok());
  EXPECT_GT(spool_->Stats().segments_deleted, 0u);
  EXPECT_EQ(Find(*store_, "u49", "").traits_json, R"({"pad":")" + std::string(200, 'x') + "\"}");
}

// A measured figure, not a limit: identify events applied per second with fsync'd commits.
TEST_F(ProfileUpdaterTest, ThroughputOfIdentifies) {
  constexpr int kEvents = 20000;
  for (int start = 0; start < kEvents; start += 1000) {
    std::vector<std::string> records;
    for (int i = start; i < start + 1000; ++i) {
      records.push_back(IdentifyRecord("u" + std::to_string(i % 5000), "a" + std::to_string(i % 5000),
                                       R"({"n":)" + std::to_string(i) + R"(,"plan":"pro","email":"u)" +
                                           std::to_string(i % 5000) + R"(@x.io"})"));
    }
    Append(std::move(records));
  }
  auto updater = NewUpdater();
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(updater->CatchUp().ok());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(updater->stats().applied.applied, static_cast<uint64_t>(kEvents));
  const auto lookup_begin = std::chrono::steady_clock::now();
  for (int i = 0; i < 5000; ++i) ASSERT_NE(Find(*store_, "u" + std::to_string(i), "").id, 0);
  const double lookup_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - lookup_begin).count();
  std::cout << "[ figure ] " << kEvents << " identifies applied in " << seconds
            << " s = " << static_cast<int64_t>(kEvents / seconds)
            << " identifies/s (synchronous=FULL, 1000 per transaction); "
            << static_cast<int64_t>(5000 / lookup_seconds) << " lookups/s on one thread\n";
  EXPECT_EQ(Find(*store_, "u4999", "").traits_json, R"({"n":19999,"plan":"pro","email":"u4999@x.io"})");
}

}  // namespace
}  // namespace streamhook::profiles
