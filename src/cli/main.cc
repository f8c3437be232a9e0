// streamhook: one binary, one subcommand per job (see README.md).
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"streamhook: customer events in, Amazon Kinesis Data Streams out", "streamhook"};
  app.set_version_flag("--version", std::string("streamhook ") + streamhook::cli::kVersion);
  app.require_subcommand(1);
  streamhook::cli::RegisterCommands(app);
  CLI11_PARSE(app, argc, argv);
  return streamhook::cli::ExitCode();
}
