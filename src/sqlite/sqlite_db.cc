#include "sqlite/sqlite_db.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace streamhook::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 5000;

std::string FileName(sqlite3* db) {
  const char* path = db ? sqlite3_db_filename(db, "main") : nullptr;
  return path && *path ? std::filesystem::path(path).filename().string() : "database";
}

Status ErrorStatus(sqlite3* db, int rc) {
  const std::string name = FileName(db);
  const std::string message = "SQLite (" + name + "): " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(message);
      }
      return Status::InvalidArgument(message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::Unavailable(message + " (another process holds " + name + ")");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::Corruption(message);
    default: return Status::IoError(message);
  }
}

}  // namespace

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(stmt_);
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void SqliteStatement::BindText(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::BindInt(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, sqlite3_extended_errcode(db_));
}

Status SqliteStatement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok() || !*row) {
      Reset();
      return row.ok() ? Status::Ok() : row.status();
    }
  }
}

int64_t SqliteStatement::ColumnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatement::ColumnText(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void SqliteDb::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

Result<SqliteDb> SqliteDb::Open(const std::filesystem::path& path, const SqliteOpenOptions& options) {
  if (!options.reader) {
    // Create the file ourselves so it is 0600 from the start; SQLite gives its -wal and -shm files
    // the same permissions.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IoError("cannot open " + path.string() + ": " + std::strerror(errno));
    ::close(fd);
  }
  // Readers open read-write too but run query_only: a SQLITE_OPEN_READONLY connection to a WAL
  // database fails when the -shm file is missing.
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open " + path.string() + ": " +
                           (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  const char* pragmas = options.reader ? "PRAGMA query_only=ON;"
                        : options.fsync
                            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;";
  Status status = db.Exec(pragmas);
  if (status.code() == Status::Code::kCorruption) {
    return Status::Corruption(path.string() + " is not a SQLite database: " + status.message());
  }
  if (!status.ok()) return status;
  return db;
}

Status SqliteDb::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_.get(), sqlite3_extended_errcode(db_.get()));
  return Status::Ok();
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql, bool reused) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    reused ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_.get(), sqlite3_extended_errcode(db_.get()));
  return SqliteStatement(db_.get(), stmt);
}

Status SqliteDb::Transaction(const std::function<Status()>& body) {
  // IMMEDIATE takes the write lock up front, so a concurrent writer waits (busy timeout) here
  // instead of failing half-way through.
  Status begun = Exec("BEGIN IMMEDIATE");
  if (!begun.ok()) return begun;
  Status status = body();
  if (status.ok()) status = Exec("COMMIT");
  if (!status.ok()) Exec("ROLLBACK");
  return status;
}

int64_t SqliteDb::ChangedRows() const {
  return sqlite3_changes64(db_.get());
}

}  // namespace streamhook::sqlite
