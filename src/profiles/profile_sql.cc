#include "profiles/profile_sql.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace streamhook::profiles {
namespace {

constexpr int kBusyTimeoutMs = 5000;

Status ErrorStatus(sqlite3* db, int rc) {
  const std::string message =
      std::string("SQLite (profiles.db): ") + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: return Status::InvalidArgument(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::Corruption(message);
    default: return Status::IoError(message);
  }
}

}  // namespace

ProfileStatement::ProfileStatement(ProfileStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

ProfileStatement::~ProfileStatement() {
  sqlite3_finalize(stmt_);
}

void ProfileStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void ProfileStatement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void ProfileStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

Result<bool> ProfileStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, sqlite3_extended_errcode(db_));
}

Status ProfileStatement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok() || !*row) {
      Reset();
      return row.ok() ? Status::Ok() : row.status();
    }
  }
}

int64_t ProfileStatement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string ProfileStatement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void ProfileDb::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

Result<ProfileDb> ProfileDb::Open(const std::filesystem::path& path, Mode mode, bool fsync) {
  if (mode == Mode::kWriter) {
    // Created here so it is 0600 from the start; SQLite gives -wal and -shm the same mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IoError("cannot open " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
  }
  // Readers open read-write but run query_only: a SQLITE_OPEN_READONLY connection to a WAL
  // database fails when the -shm file is missing. NOMUTEX: a connection is used by one thread at a
  // time (the store's writer, or a reader taken from the pool), so SQLite's locking would only cost.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  ProfileDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open " + path.string() + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  const char* pragmas = mode == Mode::kReader ? "PRAGMA query_only=ON;"
                        : fsync               ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                              : "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;";
  Status status = db.Exec(pragmas);
  if (status.code() == Status::Code::kCorruption) {
    return Status::Corruption(path.string() + " is not a SQLite database: " + status.message());
  }
  if (!status.ok()) return status;
  return db;
}

Status ProfileDb::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_.get(), sqlite3_extended_errcode(db_.get()));
  return Status::Ok();
}

Result<ProfileStatement> ProfileDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_.get(), sqlite3_extended_errcode(db_.get()));
  return ProfileStatement(db_.get(), stmt);
}

int64_t ProfileDb::ChangedRows() const {
  return sqlite3_changes64(db_.get());
}

}  // namespace streamhook::profiles
