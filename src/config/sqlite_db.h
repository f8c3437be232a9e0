// SqliteDb / SqliteStatement: a thin RAII layer over the SQLite C API that speaks Status, so the
// store reads as SQL plus error handling rather than resource management.
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

namespace streamhook::config {

// One prepared statement; finalized on destruction. Parameter and column indexes follow SQLite:
// parameters from 1, columns from 0.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  void BindText(int index, std::string_view value);
  void BindInt(int index, int64_t value);

  // Advances to the next row: true when one is available, false when the statement is done.
  // A UNIQUE or PRIMARY KEY violation gives AlreadyExists, a locked database Unavailable.
  Result<bool> Step();
  // Steps until done (for INSERT/UPDATE/DELETE).
  Status Run();

  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // Opens (creating when missing, mode 0600) the database at `path` in WAL mode with a busy
  // timeout, synchronous=FULL (configuration changes are rare and must survive power loss).
  static Result<SqliteDb> Open(const std::filesystem::path& path);

  SqliteDb(SqliteDb&&) = default;
  SqliteDb& operator=(SqliteDb&&) = default;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
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

}  // namespace streamhook::config
