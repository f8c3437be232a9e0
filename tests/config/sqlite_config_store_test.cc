#include "config/sqlite_config_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "config/random_tokens.h"
#include "config/sqlite_schema.h"
#include "sqlite/sqlite_db.h"
#include "support/test_env.h"

namespace streamhook::config {
namespace {
namespace fs = std::filesystem;

class SqliteConfigStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteConfigStore> OpenStore(const std::string& key) {
    Result<std::unique_ptr<SqliteConfigStore>> store =
        SqliteConfigStore::Open(dir_.path(), *SecretBox::Create(key));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static Hook SampleHook(std::string name = "orders") {
    Hook hook;
    hook.name = std::move(name);
    hook.stream_name = "orders-stream";
    hook.triggers = {Trigger::kTrack, Trigger::kEvent};
    hook.event_codes = {"Order Completed", "weird \"code\", with [json]"};
    hook.payload_format = PayloadFormat::kNetmera;
    hook.partition_key = "/properties/orderId";
    hook.batch = {100, 1 << 20, 250};
    hook.enabled = false;
    return hook;
  }

  static KinesisConnector SampleConnector() {
    return {"eu-west-1",
            "AKIAEXAMPLEKEYID0001",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "http://127.0.0.1:4567",
            "/etc/ssl/ca.pem",
            true,
            0,
            "",
            ""};
  }

  std::string RawDatabaseBytes() const {
    std::string bytes;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(dir_.path() / (std::string(kConfigDbFile) + suffix), std::ios::binary);
      bytes.append(std::istreambuf_iterator<char>(in), {});
    }
    return bytes;
  }

  testing::TempDir dir_;
  const std::string key_ = RandomBytes(32);
};

TEST_F(SqliteConfigStoreTest, FreshStoreIsEmpty) {
  auto store = OpenStore(key_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->GetConnector().status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(store->ListHooks()->empty());
  EXPECT_TRUE(store->ListSources()->empty());
  EXPECT_EQ(store->Snapshot()->version, 0u);
  EXPECT_TRUE(fs::exists(dir_.path() / kConfigDbFile));
  EXPECT_EQ(
      fs::status(dir_.path() / kConfigDbFile).permissions() & (fs::perms::group_all | fs::perms::others_all),
      fs::perms::none);
}

TEST_F(SqliteConfigStoreTest, HookCrudKeepsEveryField) {
  auto store = OpenStore(key_);
  Result<Hook> created = store->CreateHook(SampleHook());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->id.size(), 36u) << "an id is generated when absent";
  EXPECT_GT(created->created_at_ms, 0);
  EXPECT_EQ(created->created_at_ms, created->updated_at_ms);

  Result<Hook> fetched = store->GetHook(created->id);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->name, "orders");
  EXPECT_EQ(fetched->stream_name, "orders-stream");
  EXPECT_EQ(fetched->triggers, (std::vector<Trigger>{Trigger::kTrack, Trigger::kEvent}));
  EXPECT_EQ(fetched->event_codes, SampleHook().event_codes);
  EXPECT_EQ(fetched->payload_format, PayloadFormat::kNetmera);
  EXPECT_EQ(fetched->partition_key, "/properties/orderId");
  EXPECT_EQ(fetched->batch, (BatchSettings{100, 1 << 20, 250}));
  EXPECT_FALSE(fetched->enabled);

  Hook changed = *fetched;
  changed.stream_name = "other";
  changed.created_at_ms = 1;  // ignored: creation time is kept
  Result<Hook> updated = store->UpdateHook(changed);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->created_at_ms, created->created_at_ms);
  EXPECT_EQ(store->GetHook(created->id)->stream_name, "other");

  Hook named = SampleHook("second");
  named.id = "my-hook";
  ASSERT_TRUE(store->CreateHook(named).ok());
  EXPECT_EQ(store->CreateHook(named).status().code(), Status::Code::kAlreadyExists);
  ASSERT_EQ(store->ListHooks()->size(), 2u);
  EXPECT_EQ((*store->ListHooks())[0].id, created->id) << "creation order";

  EXPECT_TRUE(store->DeleteHook(created->id).ok());
  EXPECT_EQ(store->DeleteHook(created->id).code(), Status::Code::kNotFound);
  EXPECT_EQ(store->GetHook(created->id).status().code(), Status::Code::kNotFound);
  Hook missing = SampleHook();
  missing.id = "nope";
  EXPECT_EQ(store->UpdateHook(missing).status().code(), Status::Code::kNotFound);
}

TEST_F(SqliteConfigStoreTest, SourcesGenerateKeysAndRefuseDuplicates) {
  auto store = OpenStore(key_);
  Result<Source> generated = store->CreateSource({"", "web", "", 0});
  ASSERT_TRUE(generated.ok());
  EXPECT_EQ(generated->write_key.size(), 43u);
  Result<Source> chosen = store->CreateSource({"", "ios", "ios-write-key-1", 0});
  ASSERT_TRUE(chosen.ok());
  Result<Source> duplicate = store->CreateSource({"", "copy", "ios-write-key-1", 0});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(duplicate.status().message().find("ios-write-key-1"), std::string::npos);

  EXPECT_EQ(store->SourceIdForWriteKey("ios-write-key-1"), chosen->id);
  EXPECT_EQ(store->SourceIdForWriteKey(generated->write_key), generated->id);
  EXPECT_EQ(store->GetSource(chosen->id)->write_key, "ios-write-key-1");
  ASSERT_TRUE(store->DeleteSource(chosen->id).ok());
  EXPECT_EQ(store->SourceIdForWriteKey("ios-write-key-1"), std::nullopt);
  EXPECT_EQ(store->DeleteSource(chosen->id).code(), Status::Code::kNotFound);
  EXPECT_TRUE(store->CreateSource({"", "again", "ios-write-key-1", 0}).ok()) << "a deleted key is free again";
}

TEST_F(SqliteConfigStoreTest, EverythingSurvivesReopen) {
  std::string hook_id, source_id;
  uint64_t version = 0;
  {
    auto store = OpenStore(key_);
    ASSERT_TRUE(store->PutConnector(SampleConnector()).ok());
    hook_id = store->CreateHook(SampleHook())->id;
    source_id = store->CreateSource({"", "web", "persisted-write-key", 0})->id;
    version = store->Snapshot()->version;
    EXPECT_EQ(version, 3u);
  }
  auto store = OpenStore(key_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Snapshot()->version, version);
  Result<KinesisConnector> connector = store->GetConnector();
  ASSERT_TRUE(connector.ok());
  EXPECT_EQ(connector->region, "eu-west-1");
  EXPECT_EQ(connector->secret_access_key, SampleConnector().secret_access_key);
  EXPECT_EQ(connector->endpoint, "http://127.0.0.1:4567");
  EXPECT_EQ(connector->ca_file, "/etc/ssl/ca.pem");
  EXPECT_TRUE(connector->active);
  EXPECT_GT(connector->updated_at_ms, 0);
  EXPECT_EQ(store->GetHook(hook_id)->event_codes, SampleHook().event_codes);
  EXPECT_EQ(store->SourceIdForWriteKey("persisted-write-key"), source_id);
  ASSERT_TRUE(store->CreateHook(SampleHook("after reopen")).ok());
  EXPECT_EQ(store->Snapshot()->version, version + 1);
}

TEST_F(SqliteConfigStoreTest, SecretsAreNotStoredInPlaintext) {
  {
    auto store = OpenStore(key_);
    ASSERT_TRUE(store->PutConnector(SampleConnector()).ok());
    ASSERT_TRUE(store->CreateSource({"", "web", "plaintext-canary-write-key", 0}).ok());
    ASSERT_TRUE(store->CreateHook(SampleHook()).ok());
  }
  const std::string raw = RawDatabaseBytes();
  ASSERT_NE(raw.find("orders-stream"), std::string::npos) << "sanity: non-secret fields are readable";
  ASSERT_NE(raw.find("AKIAEXAMPLEKEYID0001"), std::string::npos);
  EXPECT_EQ(raw.find(SampleConnector().secret_access_key), std::string::npos);
  EXPECT_EQ(raw.find("plaintext-canary-write-key"), std::string::npos);
  EXPECT_EQ(raw.find(key_), std::string::npos);
}

TEST_F(SqliteConfigStoreTest, WrongMasterKeyIsRefusedWithAClearError) {
  { ASSERT_TRUE(OpenStore(key_)->PutConnector(SampleConnector()).ok()); }
  Result<std::unique_ptr<SqliteConfigStore>> other =
      SqliteConfigStore::Open(dir_.path(), *SecretBox::Create(RandomBytes(32)));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(other.status().message().find("master key"), std::string::npos) << other.status().message();
}

TEST_F(SqliteConfigStoreTest, RefusesADatabaseFromANewerVersion) {
  { OpenStore(key_); }
  {
    Result<sqlite::SqliteDb> db = sqlite::SqliteDb::Open(dir_.path() / kConfigDbFile);
    ASSERT_TRUE(db.ok());
    ASSERT_EQ(*CurrentSchemaVersion(*db), LatestSchemaVersion());
    ASSERT_TRUE(db->Exec("UPDATE schema_version SET version = 999").ok());
  }
  Result<std::unique_ptr<SqliteConfigStore>> store =
      SqliteConfigStore::Open(dir_.path(), *SecretBox::Create(key_));
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("999"), std::string::npos) << store.status().message();
}

TEST_F(SqliteConfigStoreTest, SubscribersGetTheCurrentSnapshotThenEveryChangeInOrder) {
  auto store = OpenStore(key_);
  std::vector<std::shared_ptr<const ConfigSnapshot>> seen;
  const SubscriptionId id =
      store->Subscribe([&](std::shared_ptr<const ConfigSnapshot> s) { seen.push_back(s); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]->version, 0u);

  const std::shared_ptr<const ConfigSnapshot> before = store->Snapshot();
  const std::string hook_id = store->CreateHook(SampleHook())->id;
  ASSERT_TRUE(store->CreateSource({"", "web", "subscribed-write-key", 0}).ok());
  ASSERT_TRUE(store->DeleteHook(hook_id).ok());
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[1]->hooks.size(), 1u);
  EXPECT_EQ(seen[2]->SourceIdForWriteKey("subscribed-write-key").has_value(), true);
  EXPECT_TRUE(seen[3]->hooks.empty());
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i]->version, seen[i - 1]->version + 1);
  EXPECT_EQ(store->Snapshot(), seen.back());
  EXPECT_TRUE(before->hooks.empty()) << "an old snapshot never changes";

  EXPECT_FALSE(store->DeleteHook("missing").ok());
  EXPECT_EQ(seen.size(), 4u) << "a failed change publishes nothing";

  store->Unsubscribe(id);
  ASSERT_TRUE(store->CreateHook(SampleHook()).ok());
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(SqliteConfigStoreTest, ConcurrentWritersAndReadersStayConsistent) {
  auto store = OpenStore(key_);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> last_seen{0};
  std::atomic<bool> went_backwards{false};
  std::thread reader([&] {
    while (!stop) {
      const uint64_t v = store->Snapshot()->version;
      if (v < last_seen) went_backwards = true;
      last_seen = v;
      std::this_thread::yield();
    }
  });
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(store->CreateHook(SampleHook("w" + std::to_string(w) + "-" + std::to_string(i))).ok());
      }
    });
  }
  for (std::thread& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_FALSE(went_backwards);
  EXPECT_EQ(store->ListHooks()->size(), 30u);
  EXPECT_EQ(store->Snapshot()->version, 30u);
}

}  // namespace
}  // namespace streamhook::config
