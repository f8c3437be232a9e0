#include "spool/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace streamhook::spool {
namespace fs = std::filesystem;

Status ErrnoStatus(std::string_view what, const fs::path& path, int err) {
  std::string message = std::string(what) + " " + path.string() + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(std::move(message));
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(std::move(message));
  return Status::IoError(std::move(message));
}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void FileHandle::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<FileHandle> OpenFile(const fs::path& path, int flags, int mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ErrnoStatus("open", path, errno);
  return FileHandle(fd);
}

Status WriteAllAt(int fd, std::string_view data, uint64_t offset, const fs::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status ReadAt(int fd, char* buf, size_t n, uint64_t offset, size_t* read, const fs::path& path) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read", path, errno);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  *read = done;
  return Status::Ok();
}

Status SyncFile(int fd, const fs::path& path) {
  if (::fdatasync(fd) != 0) return ErrnoStatus("fdatasync", path, errno);
  return Status::Ok();
}

Status SyncDir(const fs::path& dir) {
  auto handle = OpenFile(dir, O_RDONLY | O_DIRECTORY);
  if (!handle.ok()) return handle.status();
  if (::fsync(handle->get()) != 0) return ErrnoStatus("fsync directory", dir, errno);
  return Status::Ok();
}

Status TruncateFile(int fd, uint64_t size, const fs::path& path) {
  int rc;
  do {
    rc = ::ftruncate(fd, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) return ErrnoStatus("truncate", path, errno);
  return Status::Ok();
}

Status WriteFileAtomically(const fs::path& path, std::string_view contents, bool sync) {
  fs::path temp = path;
  temp += ".tmp";
  {
    auto file = OpenFile(temp, O_WRONLY | O_CREAT | O_TRUNC);
    if (!file.ok()) return file.status();
    Status s = WriteAllAt(file->get(), contents, 0, temp);
    if (s.ok() && sync && ::fsync(file->get()) != 0) s = ErrnoStatus("fsync", temp, errno);
    if (!s.ok()) {
      ::unlink(temp.c_str());
      return s;
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return ErrnoStatus("rename to", path, err);
  }
  return sync ? SyncDir(path.parent_path()) : Status::Ok();
}

Result<std::string> ReadWholeFile(const fs::path& path) {
  auto file = OpenFile(path, O_RDONLY);
  if (!file.ok()) return file.status();
  std::string contents;
  char buf[16384];
  uint64_t offset = 0;
  while (true) {
    size_t n = 0;
    Status s = ReadAt(file->get(), buf, sizeof buf, offset, &n, path);
    if (!s.ok()) return s;
    contents.append(buf, n);
    offset += n;
    if (n < sizeof buf) break;
  }
  return contents;
}

}  // namespace streamhook::spool
