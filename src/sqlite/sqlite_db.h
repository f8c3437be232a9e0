// SqliteDb / SqliteStatement: a thin RAII layer over the SQLite C API that speaks Status, so the
// stores (config.db, profiles.db) read as SQL plus error handling rather than resource management.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace streamhook::sqlite {

// One prepared statement; finalized on destruction, reusable after Reset(). Parameter and column
// indexes follow SQLite: parameters from 1, columns from 0.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Clears the bindings and rewinds, ready for the next run.
  void Reset();
  void BindText(int index, std::string_view value);
  void BindInt(int index, int64_t value);

  // Advances to the next row: true when one is available, false when the statement is done.
  // A UNIQUE or PRIMARY KEY violation gives AlreadyExists, a locked database Unavailable.
  Result<bool> Step();
  // Steps until done (for INSERT/UPDATE/DELETE), then resets.
  Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct SqliteOpenOptions {
  // A reader (open a writer first) refuses writes (query_only) and sees committed transactions.
  bool reader = false;
  // synchronous=FULL: a committed transaction survives power loss; false (benchmarks) turns it OFF.
  bool fsync = true;
};

class SqliteDb {
 public:
  // Opens the database at `path` with a busy timeout. A writer creates it when missing (mode
  // 0600) and puts it in WAL mode with foreign keys enforced. Errors name the file.
  static Result<SqliteDb> Open(const std::filesystem::path& path, const SqliteOpenOptions& options = {});

  SqliteDb(SqliteDb&&) = default;
  SqliteDb& operator=(SqliteDb&&) = default;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // `reused`: the statement lives long and runs many times (a hint to SQLite's allocator).
  Result<SqliteStatement> Prepare(std::string_view sql, bool reused = false);
  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back when it fails.
  Status Transaction(const std::function<Status()>& body);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t ChangedRows() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit SqliteDb(sqlite3* db) : db_(db) {}

  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace streamhook::sqlite
