// Helpers every test may use: temporary directories, free loopback ports, child processes, and
// the locations scripts/test passes in through the environment.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace streamhook::testing {

// The repository root (for node_modules/ and tests/ fixtures).
std::filesystem::path SourceDir();
// ../shared beside the repository (the AWS SigV4 test vectors).
std::filesystem::path SharedDir();
// The built streamhook binary.
std::filesystem::path StreamhookBinary();

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
int FreeLoopbackPort();

// True once something accepts TCP connections on 127.0.0.1:port, polling until the deadline.
bool WaitForPort(int port, std::chrono::milliseconds timeout);

// A child process, killed (SIGTERM, then SIGKILL) on destruction unless it has exited.
class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH) with the extra environment on top of ours. stdout and
  // stderr go to `log_path` when given, else are inherited.
  ChildProcess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               const std::filesystem::path& log_path = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool Running();
  void Signal(int sig);
  // Waits for exit up to `timeout`; returns the exit status as from waitpid, or -1 on time-out.
  int Wait(std::chrono::milliseconds timeout);
  // SIGTERM, a grace period, then SIGKILL.
  void Stop();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool exited_ = false;
};

// Runs a command to completion, capturing stdout (stderr is appended when merge_stderr); returns
// the exit code (or -1 when it could not run / timed out).
int RunCommand(const std::vector<std::string>& argv, std::string* output,
               const std::map<std::string, std::string>& env = {}, bool merge_stderr = true,
               std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace streamhook::testing
