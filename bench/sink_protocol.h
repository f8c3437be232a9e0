// SinkProtocol: the Kinesis JSON 1.1 operations the benchmark sink answers, as pure functions of
// the request (X-Amz-Target and body) so they are testable without sockets.
//
// Only what a producer needs: PutRecords, PutRecord, and DescribeStreamSummary/ListShards for the
// start-up calls. Every stream exists, with `shards` shards splitting the hash key space evenly;
// a record lands on the shard of MD5(PartitionKey) (or its ExplicitHashKey) as in Kinesis, so a
// producer that predicts shards from ListShards sees the shards it predicted. Nothing is stored.
// Records are parsed with simdjson On Demand and never materialised: the sink must absorb 500k
// records/s on one core.
#pragma once

#include <openssl/evp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace streamhook::bench {

// Totals since start; updated with relaxed atomics (several I/O threads may serve requests).
struct SinkCounters {
  std::atomic<uint64_t> connections{0};        // accepted TLS connections
  std::atomic<uint64_t> requests{0};           // HTTP requests of every operation
  std::atomic<uint64_t> request_bytes{0};      // HTTP request heads + bodies, as read (TLS excluded)
  std::atomic<uint64_t> response_bytes{0};     // HTTP response heads + bodies, as written
  std::atomic<uint64_t> put_records_calls{0};  // PutRecords requests answered 200
  std::atomic<uint64_t> put_record_calls{0};   // PutRecord requests answered (200 or throttled)
  std::atomic<uint64_t> records_received{0};   // records in PutRecords + PutRecord
  std::atomic<uint64_t> records_accepted{0};   // answered with a SequenceNumber
  std::atomic<uint64_t> records_throttled{0};  // answered ProvisionedThroughputExceededException
  std::atomic<uint64_t> data_bytes{0};         // base64 Data characters of received records
  std::atomic<uint64_t> kpl_records{0};        // records whose Data is a KPL aggregate (not unpacked)
  std::atomic<uint64_t> max_records_per_call{0};
  std::atomic<uint64_t> other_calls{0};   // DescribeStreamSummary, ListShards
  std::atomic<uint64_t> bad_requests{0};  // answered 400 (unparsable, unknown operation)

  // {"connections":N,...}: every counter, camelCase.
  std::string ToJson() const;
};

struct SinkSettings {
  int shards = 4;
  double throttle_share = 0;  // 0..1: share of records answered ProvisionedThroughputExceededException
};

struct SinkReply {
  int status = 200;
  std::string body;
};

// Per I/O thread: the throttling dice and the sequence numbers.
class SinkProtocol {
 public:
  SinkProtocol(const SinkSettings& settings, SinkCounters* counters, uint64_t seed);

  // Answers one request. `target` is the X-Amz-Target header ("Kinesis_20131202.PutRecords").
  // `body` must have simdjson::SIMDJSON_PADDING bytes of capacity beyond its size (no copy then).
  SinkReply Handle(std::string_view target, const std::string& body);

 private:
  SinkReply PutRecords(const std::string& body);
  SinkReply PutRecord(const std::string& body);
  SinkReply DescribeStreamSummary(const std::string& body);
  SinkReply ListShards(const std::string& body);
  bool Throttle();
  void AppendSequenceNumber(std::string* out);
  // The shard a record lands on: its explicit hash key (decimal) if given, else MD5 of the key.
  int ShardFor(std::string_view partition_key, std::string_view explicit_hash_key);

  SinkSettings settings_;
  SinkCounters* counters_;
  uint64_t rng_;
  uint64_t sequence_ = 0;
  uint64_t prefix_;  // distinguishes the sequence numbers of I/O threads
  unsigned __int128 shard_width_;
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md5_{nullptr, EVP_MD_free};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md5_ctx_{nullptr, EVP_MD_CTX_free};
};

}  // namespace streamhook::bench
