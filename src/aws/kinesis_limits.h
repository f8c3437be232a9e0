// The PutRecords limits Kinesis enforces, checked before sending so a caller gets a clear error
// (and can dead-letter one bad record) instead of a whole-request ValidationException.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "aws/aws_error.h"
#include "aws/kinesis_types.h"

namespace streamhook::aws {

inline constexpr size_t kMaxRecordsPerPutRecords = 500;
inline constexpr int64_t kDefaultMaxRecordBytes = 1 << 20;   // 1 MiB (MaxRecordSizeInKiB 1024)
inline constexpr int64_t kLargestMaxRecordBytes = 10 << 20;  // streams can be raised to 10 MiB
inline constexpr int64_t kDefaultMaxRequestBytes = 5 << 20;  // the safe PutRecords payload limit
inline constexpr int64_t kLargestMaxRequestBytes = 10 << 20;
inline constexpr size_t kMaxPartitionKeyChars = 256;

struct StreamLimits {
  int64_t max_record_bytes = kDefaultMaxRecordBytes;    // data before base64 + partition key
  int64_t max_request_bytes = kDefaultMaxRequestBytes;  // sum over records of data + partition key

  // The limits for a stream whose DescribeStreamSummary said MaxRecordSizeInKiB, with the request
  // limit configured by the user (clamped to what the API accepts, and never below one record).
  static StreamLimits ForStream(int64_t max_record_size_kib, int64_t configured_request_bytes);
};

// Bytes a record counts against the limits: its data (before base64) plus its partition key.
inline int64_t RecordSize(const PutRecordsEntry& r) {
  return static_cast<int64_t>(r.data.size() + r.partition_key.size());
}

// Unicode characters in UTF-8 text (continuation bytes are not counted).
size_t Utf8Length(std::string_view text);

// Checks one record: partition key of 1-256 Unicode characters, explicit hash key (when given) a
// decimal in [0, 2^128), size within the stream's record limit. The error says which and by how much.
std::optional<AwsError> CheckRecord(const PutRecordsEntry& record, const StreamLimits& limits);

// Checks a whole PutRecords request: 1-500 records, each record, and the total payload.
// `index` in the message is the record's position in the request.
std::optional<AwsError> CheckPutRecords(std::span<const PutRecordsEntry> records, const StreamLimits& limits);

}  // namespace streamhook::aws
