// DrillTest: the gtest fixture of the fault drills. Like e2e::ServeTest it runs the real
// `streamhook serve` binary on a temporary data directory, but its Kinesis endpoint is a stand-in
// the drill controls (faults, an outage on the same port, records kept for reading back), and the
// server can be made before it starts (the disk-full drill mounts a filesystem first).
//
//   class MyDrill : public DrillTest {};
//   TEST_F(MyDrill, X) {
//     ASSERT_TRUE(StartAll());
//     const std::string hook = CreateHook(kStream);
//     LoadSender load(server().port(), write_key(), {}); ...
//     ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));
//     CheckDelivery(load.acknowledged_ids(), standin().Records(kStream));
//   }
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drills/load_sender.h"
#include "drills/standin_process.h"
#include "e2e/serve_fixture.h"

namespace streamhook::drills {

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class DrillTest : public ::testing::Test {
 public:
  e2e::StreamhookServer& server() { return *server_; }
  StandinProcess& standin() { return *standin_; }
  const std::string& write_key() const { return write_key_; }

 protected:
  void TearDown() override;

  // StartStandin(), MakeServer(config_json), StartServer().
  bool StartAll(const std::string& config_json = "");
  bool StartStandin();
  // Makes (does not start) the server; `config_json`, when not empty, is its --config file, and
  // `env` is added to its environment.
  void MakeServer(const std::string& config_json, std::map<std::string, std::string> env = {});
  // Starts the server made by MakeServer, creates a source (write_key()) and an active connector to
  // the stand-in.
  bool StartServer();

  // POST /admin/v1/hooks for every TRACK event to `stream`; returns the hook id once its runner is
  // active ("" and a test failure otherwise).
  std::string CreateHook(const std::string& stream);
  // StartAll(), CreateHook(stream) into *hook, then a started LoadSender of about 500 events a second
  // (enough backlog to matter, little enough to read back in one call) once 5 of its requests were
  // acknowledged; nullptr, with a test failure, when a step fails.
  std::unique_ptr<LoadSender> StartWithSteadyLoad(const std::string& stream, std::string* hook);
  // The metric from /metrics (0 when absent or the server does not answer).
  double Metric(std::string_view name, std::string_view hook = {}) const;
  // Waits until every hook's lag behind the spool is 0 (everything acknowledged by Kinesis).
  bool WaitForDelivery(std::chrono::milliseconds timeout);
  // A mark in the server's log (which collects every start), and what was logged after it: take a
  // mark before a restart to look at that start's lines only.
  size_t LogMark() const { return server_->Log().size(); }
  std::string LogSince(size_t mark) const { return server_->Log().substr(mark); }

 private:
  testing::TempDir config_dir_;
  std::unique_ptr<StandinProcess> standin_;
  std::unique_ptr<e2e::StreamhookServer> server_;
  std::string write_key_;
};

}  // namespace streamhook::drills
