// The config.db schema and its migrations. schema_version holds one row with the number of
// migrations applied; each migration runs in its own transaction, so a crash leaves the database
// at a whole version.
#pragma once

#include "common/status.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::config {

// The schema version this build writes.
int LatestSchemaVersion();

// Brings the database up to LatestSchemaVersion(). InvalidArgument when the file was written by a
// newer streamhook: downgrades are refused, not guessed at.
Status MigrateSchema(sqlite::SqliteDb& db);

// The version recorded in schema_version (0 for a new database).
Result<int> CurrentSchemaVersion(sqlite::SqliteDb& db);

}  // namespace streamhook::config
