// KinesisStandin: runs tests/support/kinesis-standin.js, a Kinesis stand-in that throttles, fails,
// resets connections and goes down on command, for tests of retries, backoff and dead letters.
//
// Faults are set with Control() as JSON merged into the current ones; the fields are
//   throttleShare, internalFailureShare  0..1: share of PutRecords records answered with that
//                                        ErrorCode (PutRecord: the whole call fails)
//   http500Share                         0..1: share of requests answered 500 InternalFailure
//   resetShare                           0..1: share of requests whose connection is reset without
//                                        an answer; alternately before and after storing records
//   delayMs                              latency added to every Kinesis request
//   streamError                          "ResourceNotFoundException" | "AccessDeniedException" | null
//   down                                 true: every connection closes, requests are dropped
//   throttleShards                       ["shardId-000000000001", ...]: every record there throttled
//   recordDistribution                   "AUTO": streams say so (on-demand) and place records on
//                                        random shards, ignoring keys; "USER_PARTITION_KEY" (default)
// e.g. Control(R"({"throttleShare":0.5,"delayMs":20})"). The control API itself never fails.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/test_env.h"

namespace streamhook::testing {

// One record the stand-in accepted.
struct StandinRecord {
  std::string shard_id;
  std::string sequence_number;
  std::string partition_key;
  std::string data;  // decoded bytes
};

struct StandinOptions {
  int shards = 4;       // shards of every stream created on first use (or by CreateStream without a count)
  bool strict = false;  // true: streams must be created with CreateStream first
  // Both set: the Kinesis API is served over HTTPS with this certificate, and the control API stays
  // on a separate plain port (control_port()).
  std::string tls_cert_file;
  std::string tls_key_file;
};

// An HTTP answer from the stand-in; status 0 when there was none (connection failed or dropped).
struct StandinReply {
  int status = 0;
  std::string body;
};

class KinesisStandin {
 public:
  // Starts node on a free loopback port and waits until it accepts connections. Fails the calling
  // test (ADD_FAILURE) when it does not come up; ok() says whether it did.
  explicit KinesisStandin(int shards = 4);
  explicit KinesisStandin(const StandinOptions& options);
  ~KinesisStandin();
  KinesisStandin(const KinesisStandin&) = delete;
  KinesisStandin& operator=(const KinesisStandin&) = delete;

  bool ok() const { return ok_; }
  // The Kinesis API's port, and the control API's (the same one unless TLS is on).
  int port() const { return port_; }
  int control_port() const { return control_port_; }
  // "http://127.0.0.1:P", or "https://..." with TLS: the endpoint_url for KinesisClientOptions.
  std::string endpoint() const;

  // POST /_control: merges `json` (an object of the fields above) into the current faults.
  // False (and ADD_FAILURE with the stand-in's reason) when it was refused.
  bool Control(const std::string& json);
  // GET /_records: the stream's accepted records in acceptance order ([] for an unknown stream).
  std::vector<StandinRecord> Records(const std::string& stream);
  // GET /_stats: connections, requests, putRecordsCalls, putRecordCalls, recordsReceived,
  // recordsAccepted, recordsThrottled, recordsInternalFailures, http500s, resets, resetsAfterStore,
  // downDrops, streamErrors.
  std::map<std::string, int64_t> Stats();
  // POST /_reset: clears every stream's records and the counters (faults and streams stay).
  void Reset();

  // One plain HTTP/1.1 request to the control port (Connection: close), for tests that need to
  // send what a real client would not: bad JSON, missing headers.
  StandinReply Send(const std::string& method, const std::string& path, const std::string& body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  TempDir dir_;  // the stand-in's log
  int port_ = 0;
  int control_port_ = 0;
  bool tls_ = false;
  bool ok_ = false;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace streamhook::testing
