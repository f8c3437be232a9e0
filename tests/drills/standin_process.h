// StandinProcess: tests/support/kinesis-standin.js as a process the drills can stop and start again
// on the same port, as a Kinesis endpoint that disappears and comes back would.
//
// support/KinesisStandin picks a new port on every start; an outage drill needs the server's
// connector to keep pointing at one endpoint, so this starts node itself. The stand-in keeps records
// only in memory: Stop() saves what was accepted (refusing requests first, so nothing lands between
// the read and the kill), and Records() returns the saved records followed by the live ones.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/test_env.h"

namespace streamhook::drills {

// One record the stand-in accepted, in acceptance order.
struct AcceptedRecord {
  std::string shard_id;
  std::string partition_key;
  std::string data;           // decoded bytes
  std::string access_key_id;  // the key id of the request that stored it
};

class StandinProcess {
 public:
  explicit StandinProcess(int shards = 4) : shards_(shards) {}
  ~StandinProcess();
  StandinProcess(const StandinProcess&) = delete;
  StandinProcess& operator=(const StandinProcess&) = delete;

  // Starts node and waits for its "listening" line: on a free port the first time, on the same port
  // afterwards. False (with ADD_FAILURE and the log) when it does not come up.
  bool Start();
  // Refuses every request (down), saves the records of `streams`, then SIGTERMs node and waits.
  void Stop(const std::vector<std::string>& streams);
  bool Running() const;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // POST /_control (see kinesis_standin.h for the fields); false and ADD_FAILURE when refused.
  bool Control(const std::string& json);
  // Records saved by earlier Stop()s, then the running process's, in acceptance order.
  std::vector<AcceptedRecord> Records(const std::string& stream);
  // GET /_stats of the running process (counters restart with every start).
  std::map<std::string, int64_t> Stats();

 private:
  std::vector<AcceptedRecord> LiveRecords(const std::string& stream);

  const int shards_;
  testing::TempDir dir_;  // the stand-in's log, kept across starts
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
  std::map<std::string, std::vector<AcceptedRecord>> saved_;
};

}  // namespace streamhook::drills
