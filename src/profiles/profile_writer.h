// ProfileWriter: applies identify and alias changes inside the store's write transaction.
//
// Identity rules (Segment's identity resolution with its default limit of one userId per profile;
// only userId, anonymousId and previousId join profiles, never email, phone or external ids):
//   identify(userId U, anonymousId A): the event goes to U's profile (found by U as userId or
//     previousId; for a new U, A's profile when it has no userId yet, else a new one). A's profile
//     is merged into it when A's profile has no userId, and A joins it when A is new. When A's
//     profile belongs to another userId the merge is refused (a conflict; A stays where it is).
//     Without U, the event goes to A's profile. Traits are merged (traits_merge.h); email, phone
//     and externalIds are recorded.
//   alias(previousId P, userId U): P's profile and U's profile become one. P was the old userId of
//     its profile → it becomes a previousId and U its userId; P an anonymousId/previousId of a
//     profile without userId → merged as is. P's profile with another userId → conflict, nothing
//     merged. Unknown P is recorded as a previousId of U's profile, so later events with P find it.
// The surviving profile is the target named above (U's); the traits of the two are merged with the
// more recently updated profile's values winning, then the event's traits on top.
// Not thread-safe: the store serializes writers.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "profiles/profile_reader.h"
#include "profiles/profile_types.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::profiles {

class ProfileWriter {
 public:
  // Prepares the statements on `db` (the writer connection), which must outlive the writer.
  static Result<std::unique_ptr<ProfileWriter>> Create(sqlite::SqliteDb* db);
  ~ProfileWriter();

  // Applies one change; counts in *stats. Call inside a transaction.
  Status Apply(const ProfileChange& change, ApplyStats* stats);
  // The stored position ('applied_next'), nullopt for a new store.
  Result<std::optional<spool::Lsn>> StoredNext();
  Status SetStoredNext(spool::Lsn next);

 private:
  struct Statements;
  ProfileWriter(std::unique_ptr<ProfileReader> reader, std::unique_ptr<Statements> statements);

  Status ApplyIdentify(const ProfileChange& change, ApplyStats* stats);
  Status ApplyAlias(const ProfileChange& change, ApplyStats* stats);
  Result<int64_t> CreateProfile(const ProfileChange& change, ApplyStats* stats);
  Status AddIdentity(int64_t id, std::string_view kind, std::string_view value, spool::Lsn lsn);
  // Moves everything of profile `from` into `into` and deletes `from`.
  Status Merge(int64_t from, int64_t into, const ProfileChange& change, ApplyStats* stats);
  // Merges `traits` (may be "") into profile `id`'s traits and marks it updated by `change`.
  Status UpdateTraits(int64_t id, std::string_view traits, const ProfileChange& change);

  std::unique_ptr<ProfileReader> reader_;
  std::unique_ptr<Statements> s_;
};

}  // namespace streamhook::profiles
