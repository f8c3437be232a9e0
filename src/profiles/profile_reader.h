// ProfileReader: finds and loads profiles through one SQLite connection, with its statements
// prepared once. Used by the store's lookups (one reader per pooled connection) and by the writer
// (inside its transaction, on the writer's connection). Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "common/status.h"
#include "profiles/profile_types.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::profiles {

class ProfileReader {
 public:
  // Prepares the statements on `db`, which must outlive the reader.
  static Result<std::unique_ptr<ProfileReader>> Create(sqlite::SqliteDb* db);

  // The profile holding identity `kind` = `value`, if any.
  Result<std::optional<int64_t>> FindKey(std::string_view kind, std::string_view value);
  // The profile known by `user_id` as its userId or a previousId, else the one known by
  // `anonymous_id` as an anonymousId or previousId (skipped when it has another userId than a given
  // `user_id`: that device was last identified as somebody else). nullopt when neither is known.
  Result<std::optional<int64_t>> Resolve(std::string_view user_id, std::string_view anonymous_id);
  // Profile `id` with its identities; nullopt when there is none.
  Result<std::optional<Profile>> Load(int64_t id);
  // The userId of profile `id`, "" when it has none.
  Result<std::string> UserIdOf(int64_t id);

 private:
  ProfileReader(sqlite::SqliteStatement find, sqlite::SqliteStatement row, sqlite::SqliteStatement identities,
                sqlite::SqliteStatement user)
      : find_(std::move(find)),
        row_(std::move(row)),
        identities_(std::move(identities)),
        user_(std::move(user)) {}

  sqlite::SqliteStatement find_;
  sqlite::SqliteStatement row_;
  sqlite::SqliteStatement identities_;
  sqlite::SqliteStatement user_;
};

}  // namespace streamhook::profiles
