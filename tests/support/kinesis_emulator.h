// Starts one of the npm Kinesis emulators on a free loopback port for a test, and stops it after.
#pragma once

#include <memory>
#include <string>

#include "support/test_env.h"

namespace streamhook::testing {

class KinesisEmulator {
 public:
  enum class Kind {
    kKinesalite,    // fast, AWS-exact shard ranges
    kKinesisLocal,  // kinesis-mock: UpdateShardCount, StreamARN
  };

  // Starts the emulator; `initial_streams` is kinesis-local's INITIALIZE_STREAMS ("events:4"),
  // ignored by kinesalite. Fails the calling test (ADD_FAILURE) when it does not come up.
  explicit KinesisEmulator(Kind kind, const std::string& initial_streams = "");
  ~KinesisEmulator();

  bool ok() const { return ok_; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Runs the AWS CLI (/usr/bin/aws, an independent client) against this emulator with dummy
  // credentials. Returns its exit code; output gets stdout and stderr.
  int Aws(const std::vector<std::string>& args, std::string* output) const;
  // Creates a stream through the AWS CLI and waits until it is ACTIVE.
  bool CreateStream(const std::string& name, int shards) const;

 private:
  TempDir dir_;
  int port_ = 0;
  bool ok_ = false;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace streamhook::testing
