#include "profiles/profile_writer.h"

#include <algorithm>
#include <initializer_list>
#include <utility>
#include <vector>

#include "profiles/traits_merge.h"

namespace streamhook::profiles {

struct ProfileWriter::Statements {
  sqlite::SqliteStatement create;
  sqlite::SqliteStatement add_identity;
  sqlite::SqliteStatement traits_of;
  sqlite::SqliteStatement set_traits;
  sqlite::SqliteStatement user_to_previous;
  sqlite::SqliteStatement keep_newer_lsn;
  sqlite::SqliteStatement drop_duplicates;
  sqlite::SqliteStatement move_identities;
  sqlite::SqliteStatement delete_profile;
  sqlite::SqliteStatement get_next;
  sqlite::SqliteStatement set_next;
};

namespace {

// The profile holding `value` as the first of `kinds` that has it, and that kind.
struct Found {
  std::optional<int64_t> id;
  std::string_view kind;
};

Result<Found> FindFirst(ProfileReader& reader, std::initializer_list<const char*> kinds,
                        std::string_view value) {
  for (const char* kind : kinds) {
    auto id = reader.FindKey(kind, value);
    if (!id.ok()) return id.status();
    if (*id) return Found{*id, kind};
  }
  return Found{};
}

}  // namespace

Result<std::unique_ptr<ProfileWriter>> ProfileWriter::Create(sqlite::SqliteDb* db) {
  auto reader = ProfileReader::Create(db);
  if (!reader.ok()) return reader.status();
  const char* const sql[] = {
      "INSERT INTO profiles(traits, created_lsn, updated_lsn, updated_at_ms) VALUES('{}', ?1, ?1, ?2) "
      "RETURNING id",
      "INSERT INTO identities(profile_id, kind, value, lsn) VALUES(?1, ?2, ?3, ?4) "
      "ON CONFLICT(kind, value, profile_id) DO UPDATE SET lsn = max(lsn, excluded.lsn)",
      "SELECT traits, updated_lsn FROM profiles WHERE id = ?1",
      "UPDATE profiles SET traits = ?2, updated_lsn = max(updated_lsn, ?3), updated_at_ms = ?4 WHERE id = ?1",
      "UPDATE identities SET kind = 'previousId' WHERE profile_id = ?1 AND kind = 'userId'",
      "UPDATE identities AS i SET lsn = max(i.lsn, f.lsn) FROM identities AS f "
      "WHERE i.profile_id = ?2 AND f.profile_id = ?1 AND f.kind = i.kind AND f.value = i.value",
      "DELETE FROM identities WHERE profile_id = ?1 AND EXISTS (SELECT 1 FROM identities AS i "
      "WHERE i.profile_id = ?2 AND i.kind = identities.kind AND i.value = identities.value)",
      "UPDATE identities SET profile_id = ?2 WHERE profile_id = ?1",
      "DELETE FROM profiles WHERE id = ?1",
      "SELECT value FROM meta WHERE key = 'applied_next'",
      "INSERT INTO meta(key, value) VALUES('applied_next', ?1) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  };
  std::vector<sqlite::SqliteStatement> prepared;
  for (const char* text : sql) {
    auto statement = db->Prepare(text, /*reused=*/true);
    if (!statement.ok()) return statement.status();
    prepared.push_back(std::move(*statement));
  }
  auto s = std::unique_ptr<Statements>(new Statements{
      std::move(prepared[0]), std::move(prepared[1]), std::move(prepared[2]), std::move(prepared[3]),
      std::move(prepared[4]), std::move(prepared[5]), std::move(prepared[6]), std::move(prepared[7]),
      std::move(prepared[8]), std::move(prepared[9]), std::move(prepared[10])});
  return std::unique_ptr<ProfileWriter>(new ProfileWriter(std::move(*reader), std::move(s)));
}

ProfileWriter::ProfileWriter(std::unique_ptr<ProfileReader> reader, std::unique_ptr<Statements> statements)
    : reader_(std::move(reader)), s_(std::move(statements)) {}

ProfileWriter::~ProfileWriter() = default;

Status ProfileWriter::Apply(const ProfileChange& change, ApplyStats* stats) {
  ++stats->applied;
  return change.trigger == Trigger::kAlias ? ApplyAlias(change, stats) : ApplyIdentify(change, stats);
}

Status ProfileWriter::ApplyIdentify(const ProfileChange& c, ApplyStats* stats) {
  if (c.user_id.empty() && c.anonymous_id.empty()) return Status::Ok();  // nobody to attach it to
  Found by_user, by_anon;
  if (!c.user_id.empty()) {
    auto found = FindFirst(*reader_, {kUserId, kPreviousId}, c.user_id);
    if (!found.ok()) return found.status();
    by_user = *found;
  }
  if (!c.anonymous_id.empty()) {
    auto found = FindFirst(*reader_, {kAnonymousId, kPreviousId}, c.anonymous_id);
    if (!found.ok()) return found.status();
    by_anon = *found;
  }
  std::string anon_owner;  // the userId of A's profile
  if (by_anon.id) {
    auto owner = reader_->UserIdOf(*by_anon.id);
    if (!owner.ok()) return owner.status();
    anon_owner = std::move(*owner);
  }

  int64_t target = 0;
  if (by_user.id) {
    target = *by_user.id;
  } else if (by_anon.id && (c.user_id.empty() || anon_owner.empty())) {
    target = *by_anon.id;  // the anonymous profile becomes U's (or stays A's without U)
  } else {
    auto created = CreateProfile(c, stats);
    if (!created.ok()) return created.status();
    target = *created;
  }
  // A userId found as a previousId was renamed by an alias: the profile keeps its current userId.
  if (!c.user_id.empty() && by_user.kind != kPreviousId) {
    if (Status s = AddIdentity(target, kUserId, c.user_id, c.lsn); !s.ok()) return s;
  }
  if (by_anon.id && *by_anon.id != target) {
    if (!anon_owner.empty()) {
      ++stats->conflicts;  // that device belongs to another user: A stays there
    } else if (Status s = Merge(*by_anon.id, target, c, stats); !s.ok()) {
      return s;
    }
  }
  const bool anon_here = !by_anon.id || *by_anon.id == target || anon_owner.empty();
  if (!c.anonymous_id.empty() && anon_here && by_anon.kind != kPreviousId) {
    if (Status s = AddIdentity(target, kAnonymousId, c.anonymous_id, c.lsn); !s.ok()) return s;
  }
  for (const auto& [kind, value] : c.identities) {
    if (Status s = AddIdentity(target, kind, value, c.lsn); !s.ok()) return s;
  }
  return UpdateTraits(target, c.traits_json, c);
}

Status ProfileWriter::ApplyAlias(const ProfileChange& c, ApplyStats* stats) {
  auto previous = FindFirst(*reader_, {kUserId, kAnonymousId, kPreviousId}, c.previous_id);
  if (!previous.ok()) return previous.status();
  auto user = FindFirst(*reader_, {kUserId, kPreviousId}, c.user_id);
  if (!user.ok()) return user.status();
  const std::optional<int64_t> pp = previous->id, pu = user->id;

  int64_t target = 0;
  if (!pp) {
    if (pu) {
      target = *pu;
    } else {
      auto created = CreateProfile(c, stats);
      if (!created.ok()) return created.status();
      target = *created;
      if (Status s = AddIdentity(target, kUserId, c.user_id, c.lsn); !s.ok()) return s;
    }
    if (Status s = AddIdentity(target, kPreviousId, c.previous_id, c.lsn); !s.ok()) return s;
  } else if (pu && *pu == *pp) {
    target = *pu;  // already one profile
  } else {
    auto owner = reader_->UserIdOf(*pp);
    if (!owner.ok()) return owner.status();
    if (!owner->empty() && *owner != c.previous_id) {
      ++stats->conflicts;  // P is a device of another user: aliasing it to U would steal it
      return Status::Ok();
    }
    if (!owner->empty()) {  // P was the userId: it becomes a previousId (one userId per profile)
      s_->user_to_previous.BindInt(1, *pp);
      if (Status s = s_->user_to_previous.Run(); !s.ok()) return s;
    }
    if (pu) {
      target = *pu;
      if (Status s = Merge(*pp, target, c, stats); !s.ok()) return s;
    } else {
      target = *pp;
      if (Status s = AddIdentity(target, kUserId, c.user_id, c.lsn); !s.ok()) return s;
    }
  }
  if (!c.anonymous_id.empty()) {
    auto anon = FindFirst(*reader_, {kAnonymousId, kPreviousId}, c.anonymous_id);
    if (!anon.ok()) return anon.status();
    if (!anon->id || *anon->id == target) {
      if (Status s = AddIdentity(target, kAnonymousId, c.anonymous_id, c.lsn); !s.ok()) return s;
    }
  }
  return UpdateTraits(target, "", c);
}

Result<int64_t> ProfileWriter::CreateProfile(const ProfileChange& change, ApplyStats* stats) {
  s_->create.BindInt(1, static_cast<int64_t>(change.lsn));
  s_->create.BindInt(2, change.received_at_ms);
  auto row = s_->create.Step();
  const int64_t id = row.ok() && *row ? s_->create.ColumnInt(0) : 0;
  s_->create.Reset();
  if (!row.ok()) return row.status();
  if (id == 0) return Status::Internal("creating a profile returned no id");
  ++stats->created;
  return id;
}

Status ProfileWriter::AddIdentity(int64_t id, std::string_view kind, std::string_view value, spool::Lsn lsn) {
  s_->add_identity.BindInt(1, id);
  s_->add_identity.BindText(2, kind);
  s_->add_identity.BindText(3, value);
  s_->add_identity.BindInt(4, static_cast<int64_t>(lsn));
  return s_->add_identity.Run();
}

Status ProfileWriter::Merge(int64_t from, int64_t into, const ProfileChange& change, ApplyStats* stats) {
  struct Row {
    std::string traits;
    int64_t updated_lsn = 0;
  };
  Row rows[2];
  const int64_t ids[2] = {from, into};
  for (int i = 0; i < 2; ++i) {
    s_->traits_of.BindInt(1, ids[i]);
    auto found = s_->traits_of.Step();
    if (found.ok() && *found) rows[i] = {s_->traits_of.ColumnText(0), s_->traits_of.ColumnInt(1)};
    s_->traits_of.Reset();
    if (!found.ok()) return found.status();
    if (!*found) return Status::Internal("profile " + std::to_string(ids[i]) + " vanished while merging");
  }
  // The more recently updated profile's values win; the older one's keys come first.
  const bool from_newer = rows[0].updated_lsn > rows[1].updated_lsn;
  auto traits =
      from_newer ? MergeTraits(rows[1].traits, rows[0].traits) : MergeTraits(rows[0].traits, rows[1].traits);
  if (!traits.ok()) return traits.status();
  s_->set_traits.BindInt(1, into);
  s_->set_traits.BindText(2, *traits);
  s_->set_traits.BindInt(3, std::max(rows[0].updated_lsn, rows[1].updated_lsn));
  s_->set_traits.BindInt(4, change.received_at_ms);
  if (Status s = s_->set_traits.Run(); !s.ok()) return s;
  for (sqlite::SqliteStatement* step : {&s_->keep_newer_lsn, &s_->drop_duplicates, &s_->move_identities}) {
    step->BindInt(1, from);
    step->BindInt(2, into);
    if (Status s = step->Run(); !s.ok()) return s;
  }
  s_->delete_profile.BindInt(1, from);
  if (Status s = s_->delete_profile.Run(); !s.ok()) return s;
  ++stats->merged;
  return Status::Ok();
}

Status ProfileWriter::UpdateTraits(int64_t id, std::string_view traits, const ProfileChange& change) {
  s_->traits_of.BindInt(1, id);
  auto found = s_->traits_of.Step();
  std::string current = found.ok() && *found ? s_->traits_of.ColumnText(0) : std::string();
  s_->traits_of.Reset();
  if (!found.ok()) return found.status();
  if (!*found) return Status::Internal("profile " + std::to_string(id) + " vanished while updating");
  if (!traits.empty()) {
    auto merged = MergeTraits(current, traits);
    if (!merged.ok()) return merged.status();
    current = std::move(*merged);
  }
  s_->set_traits.BindInt(1, id);
  s_->set_traits.BindText(2, current);
  s_->set_traits.BindInt(3, static_cast<int64_t>(change.lsn));
  s_->set_traits.BindInt(4, change.received_at_ms);
  return s_->set_traits.Run();
}

Result<std::optional<spool::Lsn>> ProfileWriter::StoredNext() {
  auto row = s_->get_next.Step();
  std::optional<spool::Lsn> next;
  if (row.ok() && *row) next = static_cast<spool::Lsn>(s_->get_next.ColumnInt(0));
  s_->get_next.Reset();
  if (!row.ok()) return row.status();
  return next;
}

Status ProfileWriter::SetStoredNext(spool::Lsn next) {
  s_->set_next.BindInt(1, static_cast<int64_t>(next));
  return s_->set_next.Run();
}

}  // namespace streamhook::profiles
