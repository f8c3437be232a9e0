// SmallFilesystem: a tmpfs of a few MB mounted over a directory, without root where the kernel
// allows it, for the disk-full drill.
//
// The mount lives in a private mount namespace (a user namespace too when unprivileged) held open by
// a helper process (`unshare ... sleep`), so it survives restarts of the server. The server runs in
// that namespace through launcher() (nsenter), which execs in place: its pid is the server's and
// signals reach it. The test process reaches the files through /proc/<helper>/root (Path()).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "support/test_env.h"

namespace streamhook::drills {

class SmallFilesystem {
 public:
  // Mounts a tmpfs of `bytes` over `dir` (created when missing): in a new user and mount namespace,
  // or, when the kernel refuses that and we are root, in a new mount namespace only.
  SmallFilesystem(const std::filesystem::path& dir, uint64_t bytes);
  ~SmallFilesystem();

  bool ok() const { return ok_; }
  // Why it could not be mounted (for GTEST_SKIP).
  const std::string& problem() const { return problem_; }
  // "user namespace" or "mount namespace (root)".
  const std::string& how() const { return how_; }

  // A script that runs `<real binary> args...` inside the namespace: a STREAMHOOK_BIN.
  const std::filesystem::path& launcher() const { return launcher_; }
  // `path` (under the mounted directory) as this process reaches it.
  std::filesystem::path Path(const std::filesystem::path& path) const;
  // Free bytes on the small filesystem.
  uint64_t FreeBytes() const;

 private:
  bool TryMount(const std::vector<std::string>& unshare, const std::string& nsenter_flags);

  const std::filesystem::path dir_;
  const uint64_t bytes_;
  testing::TempDir work_;  // the helper's log and the launcher
  std::unique_ptr<testing::ChildProcess> helper_;
  std::filesystem::path launcher_;
  bool ok_ = false;
  std::string how_;
  std::string problem_;
};

}  // namespace streamhook::drills
