#include "support/kinesis_emulator.h"

#include <gtest/gtest.h>

#include <thread>

namespace streamhook::testing {

KinesisEmulator::KinesisEmulator(Kind kind, const std::string& initial_streams) {
  const auto root = SourceDir();
  const std::string preload = (root / "tests/support/listen-loopback.js").string();
  // kinesis-mock takes a couple of seconds to start; retry on another port if one is taken.
  for (int attempt = 0; attempt < 3 && !ok_; ++attempt) {
    port_ = FreeLoopbackPort();
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    if (kind == Kind::kKinesalite) {
      argv = {"node",
              "-r",
              preload,
              (root / "node_modules/kinesalite/cli.js").string(),
              "--port",
              std::to_string(port_),
              "--createStreamMs",
              "0",
              "--deleteStreamMs",
              "0",
              "--updateStreamMs",
              "0"};
    } else {
      argv = {"node", "-r", preload, (root / "node_modules/kinesis-local/main.js").string()};
      env["KINESIS_MOCK_CERT_PATH"] = (root / "node_modules/kinesis-local/server.json").string();
      env["KINESIS_MOCK_PLAIN_PORT"] = std::to_string(port_);
      env["KINESIS_MOCK_TLS_PORT"] = std::to_string(FreeLoopbackPort());
      env["CREATE_STREAM_DURATION"] = "0ms";
      env["DELETE_STREAM_DURATION"] = "0ms";
      env["UPDATE_SHARD_COUNT_DURATION"] = "0ms";
      env["SHARD_LIMIT"] = "1000";
      env["LOG_LEVEL"] = "WARN";
      if (!initial_streams.empty()) env["INITIALIZE_STREAMS"] = initial_streams;
    }
    process_ = std::make_unique<ChildProcess>(argv, env, dir_.path() / "emulator.log");
    ok_ = WaitForPort(port_, std::chrono::seconds(30)) && process_->Running();
    if (!ok_) process_->Stop();
  }
  if (!ok_) ADD_FAILURE() << "the Kinesis emulator did not start; see its log in " << dir_.path();
}

KinesisEmulator::~KinesisEmulator() {
  if (process_) process_->Stop();
}

int KinesisEmulator::Aws(const std::vector<std::string>& args, std::string* output) const {
  std::vector<std::string> argv = {"/usr/bin/aws", "--endpoint-url", endpoint(), "--region",
                                   "us-east-1",    "--output",       "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, output,
                    {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                     {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                     {"AWS_PAGER", ""},
                     {"AWS_CONFIG_FILE", "/dev/null"},
                     {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}});
}

bool KinesisEmulator::CreateStream(const std::string& name, int shards) const {
  std::string out;
  if (Aws({"kinesis", "create-stream", "--stream-name", name, "--shard-count", std::to_string(shards)},
          &out) != 0) {
    ADD_FAILURE() << "create-stream failed: " << out;
    return false;
  }
  for (int i = 0; i < 300; ++i) {
    out.clear();
    if (Aws({"kinesis", "describe-stream-summary", "--stream-name", name}, &out) == 0 &&
        out.find("\"ACTIVE\"") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "stream " << name << " did not become ACTIVE: " << out;
  return false;
}

}  // namespace streamhook::testing
