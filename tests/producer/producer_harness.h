// A HookProducer on its own I/O thread against a Kinesis endpoint, and the checks the producer
// tests share: every record on the stream once, per-key order, KPL records unpacked.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "producer/hook_producer.h"
#include "support/kinesis_standin.h"
#include "support/test_env.h"

namespace streamhook::producer {

class ProducerHarness {
 public:
  // `tweak` may change the options (hook "hook1", stream "events", fast backoffs) before start.
  explicit ProducerHarness(const std::string& endpoint, config::BatchSettings batch = {},
                           const std::function<void(HookProducerOptions&)>& tweak = {});
  ~ProducerHarness();

  // Runs fn on the producer's strand and waits for it.
  void OnStrand(const std::function<void()>& fn);
  // Adds `count` records for `keys` keys; record i has key "user-<i % keys>" and data
  // {"k":..,"n":i,"pad":"x..."}, LSN i + 1.
  void AddRecords(int first, int count, int keys, size_t padding = 0);
  // Adds records i in [first, first + count) with the given keys (key_of(i)).
  void AddRecordsWithKeys(int first, int count, const std::function<std::string(int)>& key_of,
                          size_t padding = 0);
  // Waits until `n` distinct LSNs are done, or the timeout.
  bool WaitDone(size_t n, std::chrono::seconds timeout = std::chrono::seconds(60));

  std::map<spool::Lsn, int> done();
  ProducerMetrics& metrics() { return metrics_; }
  HookProducer& producer() { return *producer_; }
  DeadLetterStore& dead_letters() { return *dead_letters_; }
  aws::KinesisClient& client() { return *client_; }
  boost::asio::io_context& io() { return io_; }

 private:
  testing::TempDir dir_;
  boost::asio::io_context io_;
  HookProducer::Strand strand_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<aws::KinesisClient> client_;
  std::unique_ptr<DeadLetterStore> dead_letters_;
  ProducerMetrics metrics_;
  std::unique_ptr<HookProducer> producer_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<spool::Lsn, int> done_;
};

// One user record as read back from a stream (KPL records already unpacked).
struct ReadRecord {
  std::string shard_id;
  std::string partition_key;
  std::string data;
  bool aggregated = false;  // came out of a KPL record
};

// Every record of the stream read back with GetRecords, shard by shard in shard id order (so closed
// parents before their children), KPL records not unpacked. Empty with an ADD_FAILURE on errors.
std::vector<ReadRecord> ReadStream(const std::string& endpoint, const std::string& stream);
// The stream's shards through ListShards (a fresh client).
std::vector<aws::Shard> ListStreamShards(const std::string& endpoint, const std::string& stream);

// The stand-in's accepted records of `stream` in acceptance order, KPL records not unpacked.
std::vector<ReadRecord> StandinRecords(testing::KinesisStandin& standin,
                                       const std::string& stream = "events");

// Unpacks KPL aggregated records (aws::Deaggregate) into their user records, in order.
std::vector<ReadRecord> Unpack(const std::vector<ReadRecord>& kinesis_records);

struct StreamCheck {
  size_t distinct = 0;
  size_t duplicates = 0;
  bool order_kept = true;
  std::string problem;
};

// Every n in [0, count) must be present; per key, first occurrences must come in n order
// (`records` in per-shard stored order, a key's records all being on one shard at a time).
StreamCheck CheckStream(const std::vector<ReadRecord>& records, int count);

}  // namespace streamhook::producer
