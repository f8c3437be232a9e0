#include "profiles/profile_types.h"

namespace streamhook::profiles {

bool IsKeyKind(std::string_view kind) {
  return kind == kUserId || kind == kAnonymousId || kind == kPreviousId;
}

std::string Profile::Latest(std::string_view kind) const {
  const Identity* latest = nullptr;
  for (const auto& identity : identities) {
    if (identity.kind == kind && (latest == nullptr || identity.lsn >= latest->lsn)) latest = &identity;
  }
  return latest ? latest->value : std::string();
}

void ApplyStats::Add(const ApplyStats& other) {
  applied += other.applied;
  replayed += other.replayed;
  created += other.created;
  merged += other.merged;
  conflicts += other.conflicts;
  skipped += other.skipped;
}

}  // namespace streamhook::profiles
