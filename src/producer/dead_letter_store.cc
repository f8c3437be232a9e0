#include "producer/dead_letter_store.h"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time_format.h"

namespace streamhook::producer {
namespace {

bool IsSafeFileName(const std::string& id) {
  if (id.empty() || id.size() > 200) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return id != "." && id != "..";
}

Status WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(std::string("writing dead letters: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

std::string DeadLetterJson(const DeadLetter& letter) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("time");
  w.String(FormatIso8601Millis(letter.time_ms));
  w.Key("hookId");
  w.String(letter.hook_id);
  w.Key("stream");
  w.String(letter.stream);
  w.Key("lsn");
  w.Uint(letter.lsn);
  w.Key("messageId");
  w.String(letter.message_id);
  w.Key("partitionKey");
  w.String(letter.partition_key);
  w.Key("reason");
  w.String(letter.reason);
  w.Key("data");
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const bool json = !letter.data.empty() &&
                    parser.parse(letter.data.data(), letter.data.size()).get(doc) == simdjson::SUCCESS;
  if (json) {
    w.Raw(simdjson::minify(doc));
  } else {
    w.BeginObject();
    w.Key("base64");
    w.String(Base64Encode(letter.data));
    w.EndObject();
  }
  w.Key("dataEncoding");
  w.String(json ? "json" : "base64");
  w.EndObject();
  return out;
}

Result<std::unique_ptr<DeadLetterStore>> DeadLetterStore::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create dead-letter directory " + dir.string() + ": " + ec.message());
  return std::unique_ptr<DeadLetterStore>(new DeadLetterStore(dir));
}

Status DeadLetterStore::Append(const std::vector<DeadLetter>& letters) {
  std::map<std::string, std::string> by_hook;
  for (const auto& letter : letters) {
    if (!IsSafeFileName(letter.hook_id))
      return Status::InvalidArgument("hook id is not usable as a file name");
    auto& text = by_hook[letter.hook_id];
    text += DeadLetterJson(letter);
    text.push_back('\n');
  }
  std::lock_guard lock(mutex_);
  for (const auto& [hook_id, text] : by_hook) {
    const auto path = dir_ / (hook_id + ".jsonl");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return Status::IoError("cannot open " + path.string() + ": " + std::strerror(errno));
    Status status = WriteAll(fd, text);
    if (status.ok() && ::fdatasync(fd) != 0) status = Status::IoError("fsync of dead letters failed");
    ::close(fd);
    if (!status.ok()) return status;
  }
  appended_ += letters.size();
  for (const auto& letter : letters) {
    if (auto it = counts_.find(letter.hook_id); it != counts_.end()) ++it->second;
  }
  return Status::Ok();
}

Result<std::vector<std::string>> DeadLetterStore::ReadLines(const std::string& hook_id) const {
  if (!IsSafeFileName(hook_id)) return Status::InvalidArgument("hook id is not usable as a file name");
  std::lock_guard lock(mutex_);
  std::vector<std::string> lines;
  std::ifstream in(dir_ / (hook_id + ".jsonl"));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

Result<size_t> DeadLetterStore::RemoveFirst(const std::string& hook_id, size_t count) {
  if (!IsSafeFileName(hook_id)) return Status::InvalidArgument("hook id is not usable as a file name");
  std::lock_guard lock(mutex_);
  const auto path = dir_ / (hook_id + ".jsonl");
  std::ifstream in(path);
  std::string kept;
  size_t removed = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (removed < count) {
      ++removed;
    } else {
      kept += line;
      kept.push_back('\n');
    }
  }
  if (removed == 0) return size_t{0};
  counts_.erase(hook_id);  // recounted on the next Count()
  const auto temp = dir_ / (hook_id + ".jsonl.tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot open " + temp.string() + ": " + std::strerror(errno));
  Status status = WriteAll(fd, kept);
  if (status.ok() && ::fsync(fd) != 0) status = Status::IoError("fsync of dead letters failed");
  ::close(fd);
  if (status.ok() && ::rename(temp.c_str(), path.c_str()) != 0)
    status = Status::IoError("cannot replace " + path.string() + ": " + std::strerror(errno));
  if (!status.ok()) return status;
  // The rename itself must survive a crash too.
  if (const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return removed;
}

size_t DeadLetterStore::Count(const std::string& hook_id) const {
  if (!IsSafeFileName(hook_id)) return 0;
  std::lock_guard lock(mutex_);
  return CountLocked(hook_id);
}

size_t DeadLetterStore::CountLocked(const std::string& hook_id) const {
  if (auto it = counts_.find(hook_id); it != counts_.end()) return it->second;
  std::ifstream in(dir_ / (hook_id + ".jsonl"));
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.empty() ? 0 : 1;
  counts_[hook_id] = lines;
  return lines;
}

uint64_t DeadLetterStore::appended() const {
  std::lock_guard lock(mutex_);
  return appended_;
}

}  // namespace streamhook::producer
