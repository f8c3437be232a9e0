// The values the Kinesis Data Streams operations take and return (API version 2013-12-02),
// reduced to the fields streamhook uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/aws_error.h"

namespace streamhook::aws {

// A value, or the AwsError saying why not.
template <typename T>
class AwsResult {
 public:
  AwsResult(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  AwsResult(AwsError error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  bool ok() const { return value_.has_value(); }
  const AwsError& error() const { return error_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  std::optional<T> value_;
  AwsError error_;
};

// One record of a PutRecords request. The views must stay valid only during the call.
struct PutRecordsEntry {
  std::string_view data;  // raw bytes (the client base64-encodes them)
  std::string_view partition_key;
  std::string_view explicit_hash_key;  // decimal 128-bit hash, or empty
};

// Per record, in request order: a sequence number and shard, or an error code.
struct PutRecordsResultEntry {
  std::string sequence_number;
  std::string shard_id;
  std::string error_code;  // ProvisionedThroughputExceededException or InternalFailure
  std::string error_message;
  bool ok() const { return error_code.empty(); }
};

struct PutRecordsOutput {
  int failed_record_count = 0;
  std::vector<PutRecordsResultEntry> records;
};

struct PutRecordOutput {
  std::string shard_id;
  std::string sequence_number;
};

struct Shard {
  std::string shard_id;
  std::string parent_shard_id;           // empty when none
  std::string adjacent_parent_shard_id;  // set for a shard made by a merge
  std::string starting_hash_key;         // decimal
  std::string ending_hash_key;           // decimal
  std::string starting_sequence_number;
  std::string ending_sequence_number;  // set once the shard is closed (after a reshard)
  bool closed() const { return !ending_sequence_number.empty(); }
};

struct StreamSummary {
  std::string stream_name;
  std::string stream_arn;
  std::string stream_status;  // CREATING, ACTIVE, UPDATING, DELETING
  std::string stream_mode;    // PROVISIONED or ON_DEMAND ("" when the service did not say)
  std::string encryption_type;
  int open_shard_count = 0;
  int64_t max_record_size_kib = 1024;  // MaxRecordSizeInKiB; 1 MiB unless the stream was raised
  // RecordDistributionStrategy (on-demand streams only): AUTO means Kinesis spreads records over
  // the shards itself and ignores partition keys; USER_PARTITION_KEY or "" means placement by key.
  std::string record_distribution;
};

enum class IteratorType { kTrimHorizon, kLatest, kAtTimestamp, kAtSequenceNumber, kAfterSequenceNumber };

struct IteratorStart {
  IteratorType type = IteratorType::kTrimHorizon;
  std::string sequence_number;  // for AT_/AFTER_SEQUENCE_NUMBER
  int64_t timestamp_ms = 0;     // for AT_TIMESTAMP
};

struct KinesisRecord {
  std::string sequence_number;
  std::string partition_key;
  std::string data;  // decoded bytes
  int64_t approximate_arrival_ms = 0;
};

struct ChildShard {
  std::string shard_id;
  std::vector<std::string> parent_shards;
};

struct GetRecordsOutput {
  std::vector<KinesisRecord> records;
  std::string next_shard_iterator;    // empty: the shard is closed and read to its end
  int64_t millis_behind_latest = -1;  // -1 when not reported
  std::vector<ChildShard> child_shards;
};

const char* IteratorTypeName(IteratorType type);

}  // namespace streamhook::aws
