// streamhook serve: the event pipeline server.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <string>

#include "app/server_app.h"
#include "cli/commands.h"

namespace streamhook::cli {
namespace {

// One write(2) per line: stdout and the log (stderr) often share a file, and a line split over
// several writes gets another thread's log line in its middle.
void PrintLine(std::string line) {
  line += '\n';
  for (size_t done = 0; done < line.size();) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

struct ServeFlags {
  std::string listen;
  std::string data_dir;
  std::string config_file;
  std::string log_level = "info";
  bool log_json = false;
  bool no_fsync = false;
  bool no_profiles = false;
};

void SetUpLogging(const ServeFlags& flags) {
  spdlog::set_level(spdlog::level::from_str(flags.log_level));
  if (flags.log_json) {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","message":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
}

int RunServe(const ServeFlags& flags) {
  SetUpLogging(flags);
  app::ServeOptions options;
  if (!flags.config_file.empty()) {
    if (Status s = app::LoadServeConfigFile(flags.config_file, &options); !s.ok()) {
      std::cerr << "error: " << s.message() << "\n";
      return 2;
    }
  }
  if (!flags.listen.empty()) options.listen = flags.listen;
  if (!flags.data_dir.empty()) options.data_dir = flags.data_dir;
  if (flags.no_fsync) options.fsync = false;
  if (flags.no_profiles) options.profiles = false;

  // Block the stop signals in every thread; this one waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  app::ServerApp server(options);
  app::FirstStartSecrets secrets;
  if (Status s = server.Start(&secrets); !s.ok()) {
    spdlog::error("cannot start: {}", s.message());
    return 1;
  }
  // Shown once, on the terminal of whoever started the server, never in the log.
  if (!secrets.admin_token.empty()) {
    PrintLine(fmt::format("Admin token (saved 0600 in {}; shown only now): {}", secrets.admin_token_path,
                          secrets.admin_token));
  }
  if (secrets.master_key_created) {
    PrintLine(fmt::format(
        "Master key created in {} (0600). Back it up: without it the stored secrets cannot be read.",
        secrets.master_key_path));
  }
  // Scripts and tests wait for this line to learn the port.
  PrintLine(fmt::format("streamhook listening on port {}", server.port()));
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("{} received: draining", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.Stop();
  return 0;
}

}  // namespace

void RegisterServe(CLI::App& app) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* serve = app.add_subcommand("serve", "Run the server: ingest API, admin API, delivery to Kinesis");
  serve->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:8088)");
  serve->add_option("--data-dir", flags->data_dir, "spool, config and secrets directory (default ./data)");
  serve->add_option("--config", flags->config_file, "JSON file with server settings (see README)");
  serve->add_option("--log-level", flags->log_level, "trace, debug, info (default), warn, error");
  serve->add_flag("--log-json", flags->log_json, "log one JSON object per line");
  serve->add_flag("--no-fsync", flags->no_fsync,
                  "do not fsync the spool (benchmarks only: a crash loses events)");
  serve->add_flag("--no-profiles", flags->no_profiles,
                  "keep no user profiles (netmera payloads then take attributes from the event)");
  serve->callback([flags] { SetExitCode(RunServe(*flags)); });
}

}  // namespace streamhook::cli
