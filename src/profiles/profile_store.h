// ProfileStore: the user profiles that identify and alias maintain, in <data-dir>/profiles.db.
//
// One writer (the ProfileUpdater) applies changes in spool order; any thread may look profiles up.
//
// Durability: a batch of changes and the spool LSN they reach ('applied_next') are committed in
// one SQLite transaction, so after a crash the store knows exactly which records it has applied,
// and replaying records below applied_next changes nothing. Commits use synchronous=FULL (one
// fsync per batch, amortized like the spool's group commit): with NORMAL a power loss could roll
// back a commit after the updater already moved its spool cursor past it, and the spool could then
// delete the only copy of those identifies.
//
// Visibility: applied_end() is the LSN below which every identify/alias is applied and visible to
// Lookup; Lookup answers from the newest commit, which may be further on. A hook that wants the
// profile to include everything up to an event at LSN L reads L only once applied_end() > L
// (WaitApplied).
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "profiles/profile_types.h"
#include "spool/spool_types.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::profiles {

inline constexpr const char* kProfilesDbFile = "profiles.db";

struct ProfileStoreOptions {
  std::filesystem::path path;  // e.g. <data-dir>/profiles.db; created when missing
  bool fsync = true;           // off only for benchmarks (as SpoolOptions::fsync)
};

class ProfileStore {
 public:
  // Opens (creating when missing) the database and its schema. Corruption when the file is not a
  // profile database of a version this build knows.
  static Result<std::unique_ptr<ProfileStore>> Open(const ProfileStoreOptions& options);
  ~ProfileStore();
  ProfileStore(const ProfileStore&) = delete;
  ProfileStore& operator=(const ProfileStore&) = delete;

  // Applies, in one transaction, the changes (in LSN order) at or after the stored position, and
  // stores `next` (one past the last record the caller has handled) as the new position; then
  // advances applied_end() to `next`. Changes below the stored position are counted as replayed
  // and skipped. A change that cannot be applied (its traits are not a JSON object) is skipped
  // alone. IoError/Unavailable when SQLite fails: nothing of the batch is applied, retry it.
  Result<ApplyStats> Apply(const std::vector<ProfileChange>& changes, spool::Lsn next);
  // The stored position: every change below it is applied. nullopt for a store never applied to.
  Result<std::optional<spool::Lsn>> StoredNext();
  // Records that the caller handled everything before `next` and none of it changes profiles
  // (e.g. a batch of tracks): advances applied_end() without writing.
  void MarkApplied(spool::Lsn next);

  // See "Visibility" above. 0 until the updater starts.
  spool::Lsn applied_end() const;
  // Waits until applied_end() > lsn; false on time-out.
  bool WaitApplied(spool::Lsn lsn, std::chrono::milliseconds timeout) const;

  // The profile of a user (see ProfileReader::Resolve: by userId, else by anonymousId), as of the
  // newest commit. nullopt when neither id is known. Thread-safe; each call borrows a pooled
  // read connection, so lookups run in parallel with each other and with Apply.
  Result<std::optional<Profile>> Lookup(std::string_view user_id, std::string_view anonymous_id) const;

 private:
  struct Connection;
  struct WriterState;
  explicit ProfileStore(ProfileStoreOptions options);

  std::unique_ptr<Connection> TakeReader() const;
  void ReturnReader(std::unique_ptr<Connection> connection) const;

  const ProfileStoreOptions options_;
  std::mutex write_mutex_;  // one Apply at a time
  std::unique_ptr<WriterState> writer_;

  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Connection>> idle_readers_;

  mutable std::mutex applied_mutex_;
  mutable std::condition_variable applied_changed_;
  spool::Lsn applied_end_ = 0;
};

}  // namespace streamhook::profiles
