// The plain values of the profile store: a profile with its identities, and the change an
// identify or alias event makes to the profiles.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/event.h"
#include "spool/spool_types.h"

namespace streamhook::profiles {

// Identity kinds that name a profile: each value belongs to at most one profile, and identify,
// alias and Lookup find profiles by them. A profile has at most one userId (Segment's default
// identity rule); the ids it was known by before an alias are previousIds.
inline constexpr const char* kUserId = "userId";
inline constexpr const char* kAnonymousId = "anonymousId";
inline constexpr const char* kPreviousId = "previousId";
// Identity kinds that only describe a profile (several profiles may share an email): "email",
// "phone", and the `type` of each context.externalIds entry (e.g. "ga_client_id").
inline constexpr const char* kEmail = "email";
inline constexpr const char* kPhone = "phone";

// True for userId, anonymousId and previousId.
bool IsKeyKind(std::string_view kind);

struct Identity {
  std::string kind;
  std::string value;
  spool::Lsn lsn = 0;  // the newest event that carried it: the latest email is the current one
};

struct Profile {
  int64_t id = 0;                    // canonical profile id; a profile merged into another one is gone
  std::string traits_json;           // the merged traits, a JSON object ("{}" when none)
  std::vector<Identity> identities;  // oldest first (by lsn)
  spool::Lsn created_lsn = 0;
  spool::Lsn updated_lsn = 0;
  int64_t updated_at_ms = 0;  // received_at of the event that last changed it

  // The value of the newest identity of `kind`, or "" when it has none.
  std::string Latest(std::string_view kind) const;
};

// What an identify or alias event asks of the profile store (see profile_change.h).
struct ProfileChange {
  spool::Lsn lsn = 0;
  Trigger trigger = Trigger::kIdentify;  // kIdentify or kAlias
  int64_t received_at_ms = 0;
  std::string user_id;       // may be empty for identify
  std::string anonymous_id;  // may be empty
  std::string previous_id;   // alias only: the id being replaced
  std::string traits_json;   // identify's traits object, "" when it has none
  // Describing identities carried by the event: {kind, value}, e.g. {"email", "a@b.c"}.
  std::vector<std::pair<std::string, std::string>> identities;
};

// What one Apply did (ProfileStore::Apply), also summed up by the updater.
struct ApplyStats {
  uint64_t applied = 0;    // changes applied
  uint64_t replayed = 0;   // changes skipped because the store had applied their LSN already
  uint64_t created = 0;    // profiles created
  uint64_t merged = 0;     // profiles merged into another one
  uint64_t conflicts = 0;  // merges refused: both profiles had a different userId
  uint64_t skipped = 0;    // changes that could not be applied (e.g. traits not an object)

  void Add(const ApplyStats& other);
};

}  // namespace streamhook::profiles
