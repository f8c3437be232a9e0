#include "profiles/profile_updater.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "common/event.h"
#include "common/replay_record.h"
#include "profiles/profile_change.h"

namespace streamhook::profiles {

Result<std::unique_ptr<ProfileUpdater>> ProfileUpdater::Create(spool::Spool* spool, ProfileStore* store,
                                                               ProfileUpdaterOptions options) {
  auto stored = store->StoredNext();
  if (!stored.ok()) return stored.status();
  auto cursor = spool->OpenCursor(options.cursor, stored->value_or(spool->first_lsn()));
  if (!cursor.ok()) return cursor.status();
  // The cursor only moves past what the store committed, so a cursor ahead of the store means the
  // store was replaced: rebuild from what the spool still holds.
  const spool::Lsn start = *stored ? std::max(**stored, *cursor) : spool->first_lsn();
  std::unique_ptr<ProfileUpdater> updater(new ProfileUpdater(spool, store, std::move(options), start));
  updater->committed_ = *cursor;
  store->MarkApplied(start);
  return updater;
}

ProfileUpdater::ProfileUpdater(spool::Spool* spool, ProfileStore* store, ProfileUpdaterOptions options,
                               spool::Lsn start)
    : spool_(spool), store_(store), options_(std::move(options)), reader_(spool->NewReader(start)) {
  stats_.position = start;
}

ProfileUpdater::~ProfileUpdater() {
  Stop();
}

void ProfileUpdater::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ProfileUpdater::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (Status s = CommitCursor(); !s.ok())
    spdlog::warn("profiles: cannot save the spool cursor: {}", s.message());
}

Status ProfileUpdater::Step(bool* progressed) {
  const spool::Lsn batch_start = reader_->position();
  std::vector<spool::SpoolRecord> records;
  if (Status s = reader_->Read(options_.read_records, options_.read_bytes, &records); !s.ok()) return s;
  *progressed = !records.empty();
  if (records.empty()) return Status::Ok();
  std::vector<ProfileChange> changes;
  uint64_t unreadable = 0;
  for (const auto& record : records) {
    // A replayed dead letter is a delivery of an event seen before, not a new identify.
    if (IsReplayRecord(record.data)) continue;
    auto event = DecodeEvent(record.data);
    if (!event.ok()) {
      ++unreadable;
      continue;
    }
    auto change = ProfileChangeOf(*event, record.lsn);
    if (!change.ok()) {
      ++unreadable;
      spdlog::warn("profiles: record {} skipped: {}", record.lsn, change.status().message());
    } else if (*change) {
      changes.push_back(std::move(**change));
    }
  }
  const spool::Lsn next = reader_->position();
  ApplyStats applied;
  if (changes.empty()) {
    store_->MarkApplied(next);  // nothing to write: the stored position may lag, replay is harmless
  } else {
    auto result = store_->Apply(changes, next);
    if (!result.ok()) {
      reader_->Seek(batch_start);
      std::lock_guard lock(mutex_);
      ++stats_.batch_errors;
      return result.status();
    }
    applied = *result;
  }
  std::lock_guard lock(mutex_);
  stats_.applied.Add(applied);
  stats_.records_read += records.size();
  stats_.unreadable += unreadable;
  stats_.position = next;
  return Status::Ok();
}

Status ProfileUpdater::CatchUp() {
  for (;;) {
    bool progressed = false;
    if (Status s = Step(&progressed); !s.ok()) return s;
    if (!progressed) return Status::Ok();
  }
}

Status ProfileUpdater::CommitCursor() {
  const spool::Lsn position = reader_->position();
  if (position == committed_) return Status::Ok();
  if (Status s = spool_->CommitCursor(options_.cursor, position); !s.ok()) return s;
  committed_ = position;
  return Status::Ok();
}

void ProfileUpdater::Loop() {
  auto last_commit = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    bool progressed = false;
    const Status status = Step(&progressed);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_commit >= options_.commit_interval || !progressed || !status.ok()) {
      if (Status s = CommitCursor(); !s.ok())
        spdlog::warn("profiles: cannot save the spool cursor: {}", s.message());
      last_commit = now;
    }
    if (!status.ok()) {
      spdlog::error("profiles: cannot apply spool records from {}: {}", reader_->position(),
                    status.message());
      lock.lock();
      stop_requested_.wait_for(lock, options_.retry_after, [this] { return stopping_; });
      continue;
    }
    // Caught up: wait for new records, waking now and then to see Stop.
    if (!progressed) reader_->Wait(options_.commit_interval);
    lock.lock();
  }
}

UpdaterStats ProfileUpdater::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace streamhook::profiles
