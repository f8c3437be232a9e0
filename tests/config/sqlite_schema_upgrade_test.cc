// Schema version 2 (hook aggregation, record TTL, shard rate; connector role): round trips through
// the store, and a database written by version 1 upgrading in place.
#include <gtest/gtest.h>

#include "config/random_tokens.h"
#include "config/sqlite_config_store.h"
#include "config/sqlite_schema.h"
#include "sqlite/sqlite_db.h"
#include "support/test_env.h"

namespace streamhook::config {
namespace {

// Schema version 1 exactly as it shipped, frozen here so that the upgrade is tested against what
// is on disk out there, and so that an edit of the shipped migration shows up as a failure.
constexpr std::string_view kSchemaV1 = R"sql(
  CREATE TABLE schema_version (version INTEGER NOT NULL);
  INSERT INTO schema_version (version) VALUES (1);
  CREATE TABLE connector (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    region TEXT NOT NULL,
    access_key_id TEXT NOT NULL,
    secret_access_key_sealed TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    ca_file TEXT NOT NULL,
    active INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
  );
  CREATE TABLE hooks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    stream_name TEXT NOT NULL,
    triggers TEXT NOT NULL,
    event_codes TEXT NOT NULL,
    payload_format TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    max_records INTEGER NOT NULL,
    max_bytes INTEGER NOT NULL,
    linger_ms INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
  );
  CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    write_key_sealed TEXT NOT NULL,
    write_key_digest TEXT NOT NULL UNIQUE,
    created_at_ms INTEGER NOT NULL
  );
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('revision', '2');
  INSERT INTO hooks VALUES ('old-hook', 'Old', 'orders-stream', 'TRACK,EVENT', '["Order Completed"]', 'netmera',
                            '/properties/orderId', 100, 1048576, 250, 0, 1700000000000, 1700000000001);
)sql";

// The context config.db seals the connector secret with: part of the on-disk format.
constexpr std::string_view kConnectorSecretContext = "connector/kinesis/secret_access_key";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

class SchemaUpgradeTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteConfigStore> OpenStore() {
    Result<std::unique_ptr<SqliteConfigStore>> store =
        SqliteConfigStore::Open(dir_.path(), *SecretBox::Create(key_));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // Writes a version 1 config.db holding one hook and a connector with keys.
  void WriteVersion1Database() {
    Result<sqlite::SqliteDb> db = sqlite::SqliteDb::Open(dir_.path() / kConfigDbFile);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(db->Exec(kSchemaV1).ok());
    Result<std::string> sealed = SecretBox::Create(key_)->Seal(kSecret, kConnectorSecretContext);
    ASSERT_TRUE(sealed.ok());
    Result<sqlite::SqliteStatement> insert = db->Prepare(
        "INSERT INTO connector VALUES (1, 'eu-west-1', 'AKIAEXAMPLEKEYID0001', ?1, '', '', 1, "
        "1700000000002)");
    ASSERT_TRUE(insert.ok());
    insert->BindText(1, *sealed);
    ASSERT_TRUE(insert->Run().ok());
  }

  testing::TempDir dir_;
  const std::string key_ = RandomBytes(32);
};

TEST_F(SchemaUpgradeTest, NewHookAndConnectorFieldsRoundTrip) {
  std::string hook_id;
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    Hook hook;
    hook.name = "tuned";
    hook.stream_name = "s";
    hook.triggers = {Trigger::kTrack};
    hook.aggregation = {true, 1 << 20};
    hook.record_ttl_ms = kMaxRecordTtlMs;
    hook.shard_rate = {100000, kMaxShardBytesPerSecond};
    Result<Hook> created = store->CreateHook(hook);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    hook_id = created->id;
    Hook changed = *created;
    changed.aggregation.max_bytes = 2048;
    changed.record_ttl_ms = 1000;
    changed.shard_rate.records_per_second = 1;
    ASSERT_TRUE(store->UpdateHook(changed).ok());

    KinesisConnector connector;
    connector.region = "us-west-2";
    connector.role_arn = "arn:aws:iam::123456789012:role/writer";
    connector.external_id = "tenant-42";
    connector.active = true;
    ASSERT_TRUE(store->PutConnector(connector).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const Hook hook = *store->GetHook(hook_id);
  EXPECT_EQ(hook.aggregation, (AggregationSettings{true, 2048}));
  EXPECT_EQ(hook.record_ttl_ms, 1000);
  EXPECT_EQ(hook.shard_rate, (ShardRateSettings{1, kMaxShardBytesPerSecond}));
  const KinesisConnector connector = *store->GetConnector();
  EXPECT_TRUE(connector.UsesDefaultCredentials()) << "an empty secret seals and opens as empty";
  EXPECT_EQ(connector.role_arn, "arn:aws:iam::123456789012:role/writer");
  EXPECT_EQ(connector.external_id, "tenant-42");
}

TEST_F(SchemaUpgradeTest, Version1DatabaseUpgradesInPlaceWithDefaults) {
  WriteVersion1Database();
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->Snapshot()->version, 2u) << "the revision survives";
    Result<Hook> hook = store->GetHook("old-hook");
    ASSERT_TRUE(hook.ok()) << hook.status().ToString();
    EXPECT_EQ(hook->name, "Old");
    EXPECT_EQ(hook->triggers, (std::vector<Trigger>{Trigger::kTrack, Trigger::kEvent}));
    EXPECT_EQ(hook->event_codes, std::vector<std::string>{"Order Completed"});
    EXPECT_EQ(hook->batch, (BatchSettings{100, 1048576, 250}));
    EXPECT_FALSE(hook->enabled);
    EXPECT_EQ(hook->created_at_ms, 1700000000000);
    EXPECT_EQ(hook->aggregation, AggregationSettings{}) << "new settings take the model's defaults";
    EXPECT_EQ(hook->record_ttl_ms, 0);
    EXPECT_EQ(hook->shard_rate, ShardRateSettings{});
    Result<KinesisConnector> connector = store->GetConnector();
    ASSERT_TRUE(connector.ok()) << connector.status().ToString();
    EXPECT_EQ(connector->secret_access_key, kSecret);
    EXPECT_EQ(connector->access_key_id, "AKIAEXAMPLEKEYID0001");
    EXPECT_EQ(connector->role_arn, "");
    EXPECT_EQ(connector->external_id, "");

    // The upgraded rows take the new settings.
    Hook changed = *hook;
    changed.aggregation.enabled = true;
    changed.record_ttl_ms = 60000;
    ASSERT_TRUE(store->UpdateHook(changed).ok());
  }
  Result<sqlite::SqliteDb> db = sqlite::SqliteDb::Open(dir_.path() / kConfigDbFile);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 2);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->GetHook("old-hook")->aggregation.enabled);
  EXPECT_EQ(store->GetHook("old-hook")->record_ttl_ms, 60000);
}

TEST_F(SchemaUpgradeTest, MigratingTwiceChangesNothing) {
  WriteVersion1Database();
  Result<sqlite::SqliteDb> db = sqlite::SqliteDb::Open(dir_.path() / kConfigDbFile);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(MigrateSchema(*db).ok());
  ASSERT_TRUE(MigrateSchema(*db).ok()) << "an up-to-date database is left alone (no duplicate columns)";
  EXPECT_EQ(*CurrentSchemaVersion(*db), LatestSchemaVersion());
}

}  // namespace
}  // namespace streamhook::config
