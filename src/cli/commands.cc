#include "cli/commands.h"

#include <atomic>

namespace streamhook::cli {
namespace {
std::atomic<int> exit_code{0};
}  // namespace

void RegisterCommands(CLI::App& app) {
  RegisterTail(app);
  RegisterPut(app);
  RegisterServe(app);
  RegisterDlq(app);
}

int ExitCode() {
  return exit_code.load();
}
void SetExitCode(int code) {
  exit_code.store(code);
}

}  // namespace streamhook::cli
