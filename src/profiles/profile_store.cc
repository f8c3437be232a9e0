#include "profiles/profile_store.h"

#include <algorithm>
#include <utility>

#include "profiles/profile_reader.h"
#include "profiles/profile_schema.h"
#include "profiles/profile_writer.h"

namespace streamhook::profiles {
namespace {

constexpr size_t kMaxIdleReaders = 16;  // more concurrent lookups than this open and close their own

bool IsSqliteFailure(const Status& status) {
  return status.code() == Status::Code::kIoError || status.code() == Status::Code::kUnavailable ||
         status.code() == Status::Code::kCorruption;
}

}  // namespace

struct ProfileStore::Connection {
  sqlite::SqliteDb db;
  std::unique_ptr<ProfileReader> reader;
};

struct ProfileStore::WriterState {
  sqlite::SqliteDb db;
  std::unique_ptr<ProfileWriter> writer;
};

ProfileStore::ProfileStore(ProfileStoreOptions options) : options_(std::move(options)) {}

// Readers go first: the writer's close is what checkpoints and removes the -wal file.
ProfileStore::~ProfileStore() {
  idle_readers_.clear();
  writer_.reset();
}

Result<std::unique_ptr<ProfileStore>> ProfileStore::Open(const ProfileStoreOptions& options) {
  auto db = sqlite::SqliteDb::Open(options.path, {.reader = false, .fsync = options.fsync});
  if (!db.ok()) return db.status();
  if (Status s = EnsureSchema(*db); !s.ok()) return s;
  std::unique_ptr<ProfileStore> store(new ProfileStore(options));
  store->writer_ = std::make_unique<WriterState>(WriterState{std::move(*db), nullptr});
  auto writer = ProfileWriter::Create(&store->writer_->db);
  if (!writer.ok()) return writer.status();
  store->writer_->writer = std::move(*writer);
  // A reader now, so a broken file shows at Open rather than on the first lookup.
  auto reader = store->TakeReader();
  if (!reader) return Status::IoError("cannot open a read connection to " + options.path.string());
  store->ReturnReader(std::move(reader));
  return store;
}

Result<ApplyStats> ProfileStore::Apply(const std::vector<ProfileChange>& changes, spool::Lsn next) {
  std::lock_guard lock(write_mutex_);
  sqlite::SqliteDb& db = writer_->db;
  ProfileWriter& writer = *writer_->writer;
  ApplyStats stats;
  if (Status s = db.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  auto body = [&]() -> Status {
    auto stored = writer.StoredNext();
    if (!stored.ok()) return stored.status();
    const spool::Lsn from = stored->value_or(0);
    for (const auto& change : changes) {
      if (change.lsn < from) {
        ++stats.replayed;
        continue;
      }
      // A savepoint per change: one bad change is undone alone instead of blocking the batch (and
      // the spool behind it) forever.
      if (Status s = db.Exec("SAVEPOINT change"); !s.ok()) return s;
      ApplyStats one;
      Status status = writer.Apply(change, &one);
      if (!status.ok() && IsSqliteFailure(status)) return status;
      if (!status.ok()) {
        if (Status s = db.Exec("ROLLBACK TO change"); !s.ok()) return s;
        ++stats.skipped;
      } else {
        stats.Add(one);
      }
      if (Status s = db.Exec("RELEASE change"); !s.ok()) return s;
    }
    return writer.SetStoredNext(std::max(from, next));
  };
  Status status = body();
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok()) {
    db.Exec("ROLLBACK");
    return status;
  }
  MarkApplied(next);
  return stats;
}

Result<std::optional<spool::Lsn>> ProfileStore::StoredNext() {
  std::lock_guard lock(write_mutex_);
  return writer_->writer->StoredNext();
}

void ProfileStore::MarkApplied(spool::Lsn next) {
  {
    std::lock_guard lock(applied_mutex_);
    if (next <= applied_end_) return;
    applied_end_ = next;
  }
  applied_changed_.notify_all();
}

spool::Lsn ProfileStore::applied_end() const {
  std::lock_guard lock(applied_mutex_);
  return applied_end_;
}

bool ProfileStore::WaitApplied(spool::Lsn lsn, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(applied_mutex_);
  return applied_changed_.wait_for(lock, timeout, [&] { return applied_end_ > lsn; });
}

std::unique_ptr<ProfileStore::Connection> ProfileStore::TakeReader() const {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return connection;
    }
  }
  auto db = sqlite::SqliteDb::Open(options_.path, {.reader = true});
  if (!db.ok()) return nullptr;
  auto connection = std::make_unique<Connection>(Connection{std::move(*db), nullptr});
  auto reader = ProfileReader::Create(&connection->db);
  if (!reader.ok()) return nullptr;
  connection->reader = std::move(*reader);
  return connection;
}

void ProfileStore::ReturnReader(std::unique_ptr<Connection> connection) const {
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.size() < kMaxIdleReaders) idle_readers_.push_back(std::move(connection));
}

Result<std::optional<Profile>> ProfileStore::Lookup(std::string_view user_id,
                                                    std::string_view anonymous_id) const {
  if (user_id.empty() && anonymous_id.empty()) return std::optional<Profile>();
  auto connection = TakeReader();
  if (!connection) return Status::IoError("cannot open a read connection to " + options_.path.string());
  // One read transaction, so a merge committed between finding and loading cannot be half seen.
  auto lookup = [&]() -> Result<std::optional<Profile>> {
    if (Status s = connection->db.Exec("BEGIN"); !s.ok()) return s;
    auto id = connection->reader->Resolve(user_id, anonymous_id);
    Result<std::optional<Profile>> profile = std::optional<Profile>();
    if (!id.ok()) {
      profile = id.status();
    } else if (*id) {
      profile = connection->reader->Load(**id);
    }
    connection->db.Exec("COMMIT");
    return profile;
  };
  auto result = lookup();
  ReturnReader(std::move(connection));
  return result;
}

}  // namespace streamhook::profiles
