#include "profiles/profile_reader.h"

#include <utility>

namespace streamhook::profiles {

Result<std::unique_ptr<ProfileReader>> ProfileReader::Create(sqlite::SqliteDb* db) {
  auto find =
      db->Prepare("SELECT profile_id FROM identities WHERE kind = ?1 AND value = ?2", /*reused=*/true);
  if (!find.ok()) return find.status();
  auto row = db->Prepare("SELECT traits, created_lsn, updated_lsn, updated_at_ms FROM profiles WHERE id = ?1",
                         /*reused=*/true);
  if (!row.ok()) return row.status();
  auto identities =
      db->Prepare("SELECT kind, value, lsn FROM identities WHERE profile_id = ?1 ORDER BY lsn, kind, value",
                  /*reused=*/true);
  if (!identities.ok()) return identities.status();
  auto user =
      db->Prepare("SELECT value FROM identities WHERE profile_id = ?1 AND kind = 'userId'", /*reused=*/true);
  if (!user.ok()) return user.status();
  return std::unique_ptr<ProfileReader>(
      new ProfileReader(std::move(*find), std::move(*row), std::move(*identities), std::move(*user)));
}

Result<std::optional<int64_t>> ProfileReader::FindKey(std::string_view kind, std::string_view value) {
  find_.BindText(1, kind);
  find_.BindText(2, value);
  auto row = find_.Step();
  std::optional<int64_t> id;
  if (row.ok() && *row) id = find_.ColumnInt(0);
  find_.Reset();
  if (!row.ok()) return row.status();
  return id;
}

Result<std::optional<int64_t>> ProfileReader::Resolve(std::string_view user_id,
                                                      std::string_view anonymous_id) {
  if (!user_id.empty()) {
    for (const char* kind : {kUserId, kPreviousId}) {
      auto id = FindKey(kind, user_id);
      if (!id.ok() || *id) return id;
    }
  }
  if (anonymous_id.empty()) return std::optional<int64_t>();
  for (const char* kind : {kAnonymousId, kPreviousId}) {
    auto id = FindKey(kind, anonymous_id);
    if (!id.ok()) return id;
    if (!*id) continue;
    if (user_id.empty()) return id;
    auto owner = UserIdOf(**id);
    if (!owner.ok()) return owner.status();
    return owner->empty() ? id : std::optional<int64_t>();
  }
  return std::optional<int64_t>();
}

Result<std::optional<Profile>> ProfileReader::Load(int64_t id) {
  row_.BindInt(1, id);
  auto found = row_.Step();
  Profile profile;
  if (found.ok() && *found) {
    profile.id = id;
    profile.traits_json = row_.ColumnText(0);
    profile.created_lsn = static_cast<spool::Lsn>(row_.ColumnInt(1));
    profile.updated_lsn = static_cast<spool::Lsn>(row_.ColumnInt(2));
    profile.updated_at_ms = row_.ColumnInt(3);
  }
  row_.Reset();
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<Profile>();
  identities_.BindInt(1, id);
  for (;;) {
    auto next = identities_.Step();
    if (!next.ok() || !*next) {
      identities_.Reset();
      if (!next.ok()) return next.status();
      break;
    }
    profile.identities.push_back({identities_.ColumnText(0), identities_.ColumnText(1),
                                  static_cast<spool::Lsn>(identities_.ColumnInt(2))});
  }
  return std::optional<Profile>(std::move(profile));
}

Result<std::string> ProfileReader::UserIdOf(int64_t id) {
  user_.BindInt(1, id);
  auto row = user_.Step();
  std::string user_id;
  if (row.ok() && *row) user_id = user_.ColumnText(0);
  user_.Reset();
  if (!row.ok()) return row.status();
  return user_id;
}

}  // namespace streamhook::profiles
