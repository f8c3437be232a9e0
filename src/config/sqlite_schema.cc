#include "config/sqlite_schema.h"

#include <array>
#include <string>
#include <string_view>

namespace streamhook::config {
namespace {

// Migration i brings the schema from version i to i + 1. Append only; never edit a shipped one.
constexpr std::array<std::string_view, 2> kMigrations = {
    // 1: connector, hooks, sources; secrets are sealed (SecretBox) and write keys indexed by a
    // keyed digest so duplicates are refused without storing them in plaintext. meta holds the
    // config revision (the snapshot version) and the master key check value.
    R"sql(
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
      INSERT INTO meta (key, value) VALUES ('revision', '0');
    )sql",
    // 2: hook aggregation, record TTL and per-shard rate; connector role. The defaults are the
    // model's, so hooks and connectors stored by version 1 keep behaving as they did.
    R"sql(
      ALTER TABLE hooks ADD COLUMN aggregation_enabled INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hooks ADD COLUMN aggregation_max_bytes INTEGER NOT NULL DEFAULT 51200;
      ALTER TABLE hooks ADD COLUMN record_ttl_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hooks ADD COLUMN shard_records_per_second INTEGER NOT NULL DEFAULT 1000;
      ALTER TABLE hooks ADD COLUMN shard_bytes_per_second INTEGER NOT NULL DEFAULT 1048576;
      ALTER TABLE connector ADD COLUMN role_arn TEXT NOT NULL DEFAULT '';
      ALTER TABLE connector ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
    )sql",
};

}  // namespace

int LatestSchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

Result<int> CurrentSchemaVersion(sqlite::SqliteDb& db) {
  Status created = db.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  if (!created.ok()) return created;
  Result<sqlite::SqliteStatement> select = db.Prepare("SELECT version FROM schema_version");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return 0;
  return static_cast<int>(select->ColumnInt(0));
}

Status MigrateSchema(sqlite::SqliteDb& db) {
  Result<int> current = CurrentSchemaVersion(db);
  if (!current.ok()) return current.status();
  if (*current > LatestSchemaVersion()) {
    return Status::InvalidArgument("config.db has schema version " + std::to_string(*current) +
                                   ", newer than this streamhook understands (" +
                                   std::to_string(LatestSchemaVersion()) + "); run a newer streamhook");
  }
  for (int version = *current; version < LatestSchemaVersion(); ++version) {
    Status migrated = db.Transaction([&]() -> Status {
      Status applied = db.Exec(kMigrations[static_cast<size_t>(version)]);
      if (!applied.ok()) return applied;
      // The version is re-written inside the same transaction as the migration it records.
      Status cleared = db.Exec("DELETE FROM schema_version");
      if (!cleared.ok()) return cleared;
      return db.Exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(version + 1) + ")");
    });
    if (!migrated.ok()) {
      return Status::IoError("migrating config.db to schema version " + std::to_string(version + 1) +
                             " failed: " + migrated.message());
    }
  }
  return Status::Ok();
}

}  // namespace streamhook::config
