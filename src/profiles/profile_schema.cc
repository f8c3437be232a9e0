#include "profiles/profile_schema.h"

#include <string>

namespace streamhook::profiles {
namespace {

constexpr const char* kCreate = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS profiles(
  id INTEGER PRIMARY KEY,
  traits TEXT NOT NULL,
  created_lsn INTEGER NOT NULL,
  updated_lsn INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS identities(
  profile_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  lsn INTEGER NOT NULL,
  PRIMARY KEY(kind, value, profile_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS identities_by_profile ON identities(profile_id);
-- The store keeps key identities unique itself; this makes a bug fail loudly instead of
-- splitting a user over two profiles.
CREATE UNIQUE INDEX IF NOT EXISTS identities_unique_keys ON identities(kind, value)
  WHERE kind IN ('userId', 'anonymousId', 'previousId');
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
PRAGMA user_version = 1;
COMMIT;
)sql";

}  // namespace

Status EnsureSchema(sqlite::SqliteDb& db) {
  auto version = db.Prepare("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto row = version->Step();
  if (!row.ok()) return row.status();
  const int64_t current = *row ? version->ColumnInt(0) : 0;
  version->Reset();
  if (current > kSchemaVersion) {
    return Status::Corruption("profiles.db has schema version " + std::to_string(current) +
                              ", newer than this streamhook knows (" + std::to_string(kSchemaVersion) + ")");
  }
  if (current == kSchemaVersion) return Status::Ok();
  Status status = db.Exec(kCreate);
  if (!status.ok()) db.Exec("ROLLBACK");
  return status;
}

}  // namespace streamhook::profiles
