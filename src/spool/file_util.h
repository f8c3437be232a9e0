// Small POSIX file helpers for the spool: every failure becomes a Status naming the file and the
// system's reason, so an operator can act on it: NotFound for ENOENT, ResourceExhausted for a full
// disk or quota (ENOSPC, EDQUOT: retry once space frees up), IoError for anything else.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::spool {

// "open /var/spool/x.log: No space left on device", with the code described above.
Status ErrnoStatus(std::string_view what, const std::filesystem::path& path, int err);

// An owned file descriptor, closed on destruction.
class FileHandle {
 public:
  FileHandle() = default;
  explicit FileHandle(int fd) : fd_(fd) {}
  ~FileHandle() { Reset(); }
  FileHandle(FileHandle&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC added.
Result<FileHandle> OpenFile(const std::filesystem::path& path, int flags, int mode = 0644);

// Writes all of `data` at `offset` (retrying short writes and EINTR).
Status WriteAllAt(int fd, std::string_view data, uint64_t offset, const std::filesystem::path& path);

// Reads up to `n` bytes at `offset` into buf; *read gets how many (fewer only at end of file).
Status ReadAt(int fd, char* buf, size_t n, uint64_t offset, size_t* read, const std::filesystem::path& path);

// fdatasync(2): the data and the file size reach the disk.
Status SyncFile(int fd, const std::filesystem::path& path);

// fsync of a directory, so a created, renamed or deleted entry in it survives a crash.
Status SyncDir(const std::filesystem::path& dir);

// Shrinks (or extends) the file to `size` bytes.
Status TruncateFile(int fd, uint64_t size, const std::filesystem::path& path);

// Writes `contents` to `path` atomically: a temporary file beside it is written, synced (when
// `sync`) and renamed over `path`, then the directory is synced.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view contents, bool sync);

// The whole file, or NotFound when it does not exist.
Result<std::string> ReadWholeFile(const std::filesystem::path& path);

}  // namespace streamhook::spool
