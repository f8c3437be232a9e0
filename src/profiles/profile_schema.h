// The tables of profiles.db.
//
//   profiles(id, traits, created_lsn, updated_lsn, updated_at_ms)  one row per canonical profile
//   identities(profile_id, kind, value, lsn)  the ids and identifiers of each profile; a key kind
//       (userId, anonymousId, previousId) value belongs to one profile only
//   meta(key, value)  'applied_next': the spool LSN up to which changes are applied
#pragma once

#include "common/status.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::profiles {

inline constexpr int kSchemaVersion = 1;

// Creates the tables in a new database; checks the version of an existing one (Corruption when it
// is newer than this build knows, so an old binary does not write into a newer layout).
Status EnsureSchema(sqlite::SqliteDb& db);

}  // namespace streamhook::profiles
