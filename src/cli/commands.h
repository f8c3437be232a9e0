// The subcommands of the streamhook binary. Each lives in its own file and registers itself here.
#pragma once

#include <CLI/CLI.hpp>

namespace streamhook::cli {

inline constexpr const char* kVersion = "0.1.0";

// Adds every subcommand (tail, put, serve, ...) to the app.
void RegisterCommands(CLI::App& app);

// The process exit code the chosen subcommand left (0 when it succeeded).
int ExitCode();
void SetExitCode(int code);

// One registration function per subcommand file.
void RegisterTail(CLI::App& app);
void RegisterPut(CLI::App& app);
void RegisterServe(CLI::App& app);
void RegisterDlq(CLI::App& app);

}  // namespace streamhook::cli
