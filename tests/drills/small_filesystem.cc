#include "drills/small_filesystem.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace streamhook::drills {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMounted = "small filesystem mounted";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Single quotes for sh.
std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

SmallFilesystem::SmallFilesystem(const fs::path& dir, uint64_t bytes)
    : dir_(fs::absolute(dir)), bytes_(bytes) {
  if (TryMount({"unshare", "--user", "--map-root-user", "--mount"}, "-U --preserve-credentials -m")) {
    how_ = "user namespace";
  } else if (::geteuid() == 0 && TryMount({"unshare", "--mount"}, "-m")) {
    how_ = "mount namespace (root)";
  }
}

SmallFilesystem::~SmallFilesystem() {
  if (helper_) helper_->Stop();
}

bool SmallFilesystem::TryMount(const std::vector<std::string>& unshare, const std::string& nsenter_flags) {
  const fs::path log = work_.path() / "helper.log";
  std::vector<std::string> argv = unshare;
  // The helper mounts, says so, and then only holds the namespace open.
  argv.insert(argv.end(),
              {"sh", "-c",
               "mkdir -p \"$1\" && mount -t tmpfs -o size=" + std::to_string(bytes_) +
                   " drill-tmpfs \"$1\" && echo '" + std::string(kMounted) + "' && exec sleep 100000",
               "sh", dir_.string()});
  helper_ = std::make_unique<testing::ChildProcess>(argv, std::map<std::string, std::string>{}, log);
  for (int i = 0; i < 250 && helper_->Running(); ++i) {
    if (ReadText(log).find(kMounted) != std::string::npos) {
      launcher_ = work_.path() / "in-namespace.sh";
      std::ofstream(launcher_) << "#!/bin/sh\n"
                               << "exec nsenter " << nsenter_flags << " -t " << helper_->pid() << " -- "
                               << Quoted(testing::StreamhookBinary().string()) << " \"$@\"\n";
      fs::permissions(launcher_, fs::perms::owner_all);
      ok_ = true;
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  helper_->Stop();
  helper_.reset();
  problem_ += (problem_.empty() ? "" : "; ") + unshare.front() + " " + unshare[1] + ": " + ReadText(log);
  return false;
}

fs::path SmallFilesystem::Path(const fs::path& path) const {
  return fs::path("/proc") / std::to_string(helper_->pid()) / "root" / fs::absolute(path).relative_path();
}

uint64_t SmallFilesystem::FreeBytes() const {
  struct statvfs s {};
  if (::statvfs(Path(dir_).c_str(), &s) != 0) return 0;
  return static_cast<uint64_t>(s.f_bavail) * s.f_frsize;
}

}  // namespace streamhook::drills
