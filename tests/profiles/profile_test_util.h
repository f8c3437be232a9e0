// Helpers shared by the profile tests: building changes and reading profiles back.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "profiles/profile_store.h"

namespace streamhook::profiles::testing {

inline ProfileChange Identify(spool::Lsn lsn, std::string user_id, std::string anonymous_id,
                              std::string traits = "",
                              std::vector<std::pair<std::string, std::string>> identities = {}) {
  ProfileChange c;
  c.lsn = lsn;
  c.trigger = Trigger::kIdentify;
  c.received_at_ms = 1700000000000 + static_cast<int64_t>(lsn);
  c.user_id = std::move(user_id);
  c.anonymous_id = std::move(anonymous_id);
  c.traits_json = std::move(traits);
  c.identities = std::move(identities);
  return c;
}

inline ProfileChange Alias(spool::Lsn lsn, std::string previous_id, std::string user_id,
                           std::string anonymous_id = "") {
  ProfileChange c;
  c.lsn = lsn;
  c.trigger = Trigger::kAlias;
  c.received_at_ms = 1700000000000 + static_cast<int64_t>(lsn);
  c.previous_id = std::move(previous_id);
  c.user_id = std::move(user_id);
  c.anonymous_id = std::move(anonymous_id);
  return c;
}

// The profile found for the ids; a default Profile (id 0) when there is none.
inline Profile Find(const ProfileStore& store, std::string_view user_id, std::string_view anonymous_id) {
  auto profile = store.Lookup(user_id, anonymous_id);
  EXPECT_TRUE(profile.ok()) << profile.status().ToString();
  return profile.ok() && *profile ? **profile : Profile{};
}

// The values of identity `kind`, oldest first.
inline std::vector<std::string> Values(const Profile& profile, std::string_view kind) {
  std::vector<std::string> values;
  for (const auto& identity : profile.identities) {
    if (identity.kind == kind) values.push_back(identity.value);
  }
  return values;
}

}  // namespace streamhook::profiles::testing
