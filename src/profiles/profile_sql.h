// ProfileDb / ProfileStatement: the SQLite handles the profile store uses.
//
// Unlike config's SqliteDb, statements here are prepared once and reset between runs: profile
// lookups sit on the delivery path, where re-preparing each query would cost more than running it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace streamhook::profiles {

// One prepared statement, reusable: Reset() after the last Step() of a run. Parameters count from
// 1, columns from 0 (as in SQLite).
class ProfileStatement {
 public:
  ProfileStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ProfileStatement(ProfileStatement&& other) noexcept;
  ProfileStatement& operator=(ProfileStatement&&) = delete;
  ~ProfileStatement();

  // Clears the bindings and rewinds, ready for the next run.
  void Reset();
  void BindText(int index, std::string_view value);
  void BindInt(int index, int64_t value);
  // True when a row is available, false when done; IoError/Corruption/Unavailable otherwise.
  Result<bool> Step();
  // Steps until done and resets (for INSERT/UPDATE/DELETE).
  Status Run();
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class ProfileDb {
 public:
  enum class Mode { kWriter, kReader };

  // Opens the database at `path`. A kWriter connection creates it when missing (mode 0600), puts
  // it in WAL mode and commits with synchronous=FULL, or OFF when `fsync` is false (benchmarks;
  // see profile_store.h for why FULL). A kReader connection (open a writer first) refuses writes and
  // sees committed transactions only.
  static Result<ProfileDb> Open(const std::filesystem::path& path, Mode mode, bool fsync = true);

  ProfileDb(ProfileDb&&) = default;
  ProfileDb& operator=(ProfileDb&&) = default;

  // Runs statements without results.
  Status Exec(std::string_view sql);
  Result<ProfileStatement> Prepare(std::string_view sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t ChangedRows() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  explicit ProfileDb(sqlite3* db) : db_(db) {}

  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace streamhook::profiles
