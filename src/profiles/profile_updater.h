// ProfileUpdater: keeps the profile store up to date with the spool.
//
// It reads the spool from its own cursor ("profiles"), applies the identify and alias events of
// each batch to the store in one transaction (which also stores the batch's end LSN, see
// profile_store.h), and only then commits the cursor. So an acknowledged identify is in the spool,
// and is in the profiles once the updater passes it, crash or not: on start the updater resumes at
// the store's position (or the cursor's, when that is further: it only moves past what the store
// has committed) and replayed records are skipped by LSN.
//
// Retention: like a hook's cursor, the updater's cursor holds spool segments it has not passed. An
// updater that cannot write (disk full, profiles.db broken) therefore eventually fills the spool;
// its errors are logged and counted. A server that stops keeping profiles must RemoveCursor it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "profiles/profile_store.h"
#include "spool/spool.h"

namespace streamhook::profiles {

struct ProfileUpdaterOptions {
  std::string cursor = "profiles";  // the spool cursor's name
  size_t read_records = 1000;       // records per batch (and per transaction)
  size_t read_bytes = 4 << 20;
  std::chrono::milliseconds commit_interval{100};  // how often the spool cursor is saved
  std::chrono::milliseconds retry_after{1000};     // after a failed batch
};

struct UpdaterStats {
  ApplyStats applied;
  uint64_t records_read = 0;  // spool records looked at
  uint64_t unreadable = 0;    // records that do not decode, or identify/alias that make no sense
  uint64_t batch_errors = 0;  // batches SQLite refused (retried)
  spool::Lsn position = 0;    // next LSN to apply
};

class ProfileUpdater {
 public:
  // Opens the updater's cursor on `spool` and positions it: at the store's position, or the
  // cursor's when further; a store never applied to starts at the spool's oldest record, so it is
  // built from everything the spool still holds. `spool` and `store` must outlive the updater.
  static Result<std::unique_ptr<ProfileUpdater>> Create(spool::Spool* spool, ProfileStore* store,
                                                        ProfileUpdaterOptions options = {});
  // Stops (see Stop).
  ~ProfileUpdater();
  ProfileUpdater(const ProfileUpdater&) = delete;
  ProfileUpdater& operator=(const ProfileUpdater&) = delete;

  // Starts the thread that applies new records as they become durable.
  void Start();
  // Stops the thread after its current batch and saves the cursor. Idempotent.
  void Stop();

  // Reads and applies batches until caught up with the spool (what the thread does on each wake).
  // Do not call while the thread runs. IoError/Unavailable when a batch could not be applied: the
  // position stays before it, so calling again retries it.
  Status CatchUp();
  // Saves the spool cursor at the position (everything before it is applied and committed).
  Status CommitCursor();

  UpdaterStats stats() const;

 private:
  ProfileUpdater(spool::Spool* spool, ProfileStore* store, ProfileUpdaterOptions options, spool::Lsn start);
  // One batch: *progressed says whether anything was read.
  Status Step(bool* progressed);
  void Loop();

  spool::Spool* spool_;
  ProfileStore* store_;
  const ProfileUpdaterOptions options_;
  std::unique_ptr<spool::Reader> reader_;
  spool::Lsn committed_ = 0;  // the cursor as last saved

  mutable std::mutex mutex_;  // guards stats_ and stopping_
  std::condition_variable stop_requested_;
  UpdaterStats stats_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace streamhook::profiles
