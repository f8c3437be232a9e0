// DeadLetterStore: where records that can never be delivered are kept, with the reason.
//
// One JSON-lines file per hook (<dir>/<hook id>.jsonl). Each line: {"time", "hookId", "stream",
// "lsn", "messageId", "partitionKey", "reason", "data"} where data is the record as JSON when it is
// JSON, else {"base64": "..."}. Append fsyncs before returning, so a hook's cursor may then move
// past the records: nothing is lost between the spool and the dead letters.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace streamhook::producer {

struct DeadLetter {
  int64_t time_ms = 0;
  std::string hook_id;
  std::string stream;
  uint64_t lsn = 0;
  std::string message_id;
  std::string partition_key;
  std::string reason;
  std::string data;
};

class DeadLetterStore {
 public:
  // Creates the directory when missing.
  static Result<std::unique_ptr<DeadLetterStore>> Open(const std::filesystem::path& dir);

  // Appends the letters (all of one hook or several) durably. Thread-safe.
  Status Append(const std::vector<DeadLetter>& letters);

  // Letters kept for a hook, oldest first (for the admin API and tests).
  Result<std::vector<std::string>> ReadLines(const std::string& hook_id) const;
  // Removes the hook's oldest `count` letters (all when fewer): the file is rewritten to a temporary
  // one, fsync'd and renamed over, so a crash leaves either the old or the new list. Returns how many
  // were removed.
  Result<size_t> RemoveFirst(const std::string& hook_id, size_t count);

  // Letters kept for a hook now. The first call per hook counts its file; later ones are kept up
  // to date by Append and RemoveFirst.
  size_t Count(const std::string& hook_id) const;

  uint64_t appended() const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit DeadLetterStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  uint64_t appended_ = 0;
  mutable std::map<std::string, size_t> counts_;  // per hook, once counted
  size_t CountLocked(const std::string& hook_id) const;
};

// The JSON line for one letter (without the newline). "data" is the record itself when it is JSON,
// else {"base64": ...}; "dataEncoding" ("json" | "base64") says which.
std::string DeadLetterJson(const DeadLetter& letter);
// Inverse of DeadLetterJson (time_ms, lsn and the data bytes restored). Lines written before
// "dataEncoding" existed count as base64 when their data is an object with only "base64".
Result<DeadLetter> ParseDeadLetterJson(std::string_view line);

}  // namespace streamhook::producer
