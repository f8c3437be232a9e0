// The end-to-end fixture: kinesalite, the real `streamhook serve` binary on a temporary data
// directory, and an independent reader (botocore) for what reached the streams.
//
//   class MyTest : public ServeTest {};
//   TEST_F(MyTest, X) {
//     ASSERT_TRUE(StartAll({{"events", 2}}));
//     const std::string hook = CreateHook(R"({"name":"a","streamName":"events","triggers":["TRACK"]})");
//     ASSERT_TRUE(WaitForHookActive(hook, true));
//     Post("/v1/track", R"({"userId":"u","event":"e"})");
//     ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(30)));
//     auto records = ReadStream("events");
//   }
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/http_client.h"
#include "support/kinesis_emulator.h"
#include "support/test_env.h"

namespace streamhook::e2e {

// The admin token the fixture starts servers with (STREAMHOOK_ADMIN_TOKEN).
inline constexpr std::string_view kAdminToken = "e2e-admin-token-0123456789abcdef";

// One `streamhook serve` process over a data directory that outlives it (for restarts).
class StreamhookServer {
 public:
  // `extra_args` go after `serve --listen ... --data-dir ...`; `extra_env` is added to its environment.
  explicit StreamhookServer(std::vector<std::string> extra_args = {},
                            std::map<std::string, std::string> extra_env = {});
  ~StreamhookServer();

  // Starts the binary and waits (up to 60 s) for "streamhook listening on port N". The first start
  // listens on a port the server picks; later starts reuse that port so clients can carry on.
  // False (with the log's tail in the failure message) when it exits or does not come up.
  bool Start();
  // SIGKILL: no draining, no cursor commit, as in a crash or an OOM kill.
  void Kill9();
  // Kill9() (when running), then Start() on the same data directory and port.
  bool Restart();
  // The `serve` arguments of the next Start() (e.g. to restart with another flag).
  void SetExtraArgs(std::vector<std::string> extra_args) { extra_args_ = std::move(extra_args); }
  // SIGTERM and wait; the exit status as from waitpid (0 expected), -1 when it did not stop.
  int Stop();
  bool Running();

  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // Everything the server printed (stdout and stderr, every start).
  std::string Log() const;

  // An admin API call with the admin token (or with `token` when given; "" sends none).
  HttpReply Admin(std::string_view method, std::string_view path, std::string_view body = {},
                  std::optional<std::string_view> token = std::nullopt) const;
  // POST to the ingest API with the write key as HTTP Basic auth ("" sends no Authorization).
  HttpReply Post(std::string_view path, std::string_view body, std::string_view write_key) const;
  HttpReply Get(std::string_view path) const;

  // A counter or gauge from GET /metrics: `name{hook="<hook>"}`, or plain `name` when hook is
  // empty. nullopt when the line is absent.
  std::optional<double> Metric(std::string_view name, std::string_view hook = {}) const;

 private:
  testing::TempDir dir_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  std::vector<std::string> extra_args_;
  std::map<std::string, std::string> extra_env_;
  std::unique_ptr<testing::ChildProcess> process_;
  int port_ = 0;
  int starts_ = 0;
};

// One record as the independent reader saw it.
struct StreamRecord {
  std::string shard;
  std::string sequence;
  std::string partition_key;
  std::string data;
};

// Reads every record of `stream` (all shards, TRIM_HORIZON to now) with tests/e2e/read_stream.py.
// Fails the test (ADD_FAILURE) and returns what it has when the reader fails.
std::vector<StreamRecord> ReadStream(const testing::KinesisEmulator& emulator, const std::string& stream);

// Orders Kinesis sequence numbers (decimal strings of up to 128 bits) numerically.
bool SequenceLess(const std::string& a, const std::string& b);

// Waits until `server`'s /metrics shows every hook's lag behind the spool at 0 (everything
// acknowledged by Kinesis); fails the test with the last /metrics when it does not within `timeout`.
bool WaitForDelivery(StreamhookServer& server, std::chrono::milliseconds timeout);

// A gtest fixture with an emulator, a server, a source and the connector; prints the server's log
// when the test failed.
class ServeTest : public ::testing::Test {
 public:
  const std::string& write_key() const { return write_key_; }
  StreamhookServer& server() { return *server_; }
  const testing::KinesisEmulator& emulator() const { return *emulator_; }

 protected:
  void TearDown() override;

  // Starts kinesalite, creates the streams (name -> shards), starts the server, creates a source
  // (write_key()) and puts an active connector to the emulator. `extra_args` go to `serve`.
  bool StartAll(const std::map<std::string, int>& streams, std::vector<std::string> extra_args = {});

  // PUT /admin/v1/connectors/kinesis with the emulator's endpoint.
  bool PutConnector(bool active);
  // POST /admin/v1/hooks; returns the new hook's id ("" and a test failure otherwise).
  std::string CreateHook(std::string_view json);
  // Waits until /metrics shows `name{hook="<hook>"}` (plain `name` when hook is empty) == want;
  // fails the test with the last value seen when it does not within `timeout`.
  bool WaitForMetric(std::string_view name, std::string_view hook, double want,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Waits until /metrics shows the hook's runner with streamhook_hook_active == active.
  bool WaitForHookActive(const std::string& hook_id, bool active,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    return WaitForMetric("streamhook_hook_active", hook_id, active ? 1 : 0, timeout);
  }
  // Waits until every hook's lag behind the spool is 0 (everything acknowledged by Kinesis).
  bool WaitForDelivery(std::chrono::milliseconds timeout);

  HttpReply Post(std::string_view path, std::string_view body) const {
    return server_->Post(path, body, write_key_);
  }
  std::vector<StreamRecord> ReadStream(const std::string& stream) const {
    return e2e::ReadStream(*emulator_, stream);
  }

 private:
  std::unique_ptr<testing::KinesisEmulator> emulator_;
  std::unique_ptr<StreamhookServer> server_;
  std::string write_key_;
};

}  // namespace streamhook::e2e
