#include "aws/kinesis_limits.h"

#include <algorithm>
#include <string>

namespace streamhook::aws {
namespace {

// 2^128 - 1, the largest hash key.
constexpr std::string_view kMaxHashKey = "340282366920938463463374607431768211455";

bool IsValidHashKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxHashKey.size()) return false;
  if (!std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  if (key.size() > 1 && key[0] == '0') return false;
  return key.size() < kMaxHashKey.size() || key <= kMaxHashKey;
}

}  // namespace

StreamLimits StreamLimits::ForStream(int64_t max_record_size_kib, int64_t configured_request_bytes) {
  StreamLimits limits;
  limits.max_record_bytes = std::clamp<int64_t>(max_record_size_kib * 1024, 1, kLargestMaxRecordBytes);
  limits.max_request_bytes = std::clamp<int64_t>(configured_request_bytes, 1, kLargestMaxRequestBytes);
  limits.max_request_bytes = std::max(limits.max_request_bytes, limits.max_record_bytes);
  return limits;
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<AwsError> CheckRecord(const PutRecordsEntry& record, const StreamLimits& limits) {
  const size_t key_chars = Utf8Length(record.partition_key);
  if (key_chars == 0) {
    return ClientError("InvalidPartitionKey", "partition key is empty (Kinesis needs 1 to 256 characters)");
  }
  if (key_chars > kMaxPartitionKeyChars) {
    return ClientError("InvalidPartitionKey", "partition key has " + std::to_string(key_chars) +
                                                  " characters; Kinesis allows at most 256");
  }
  if (!record.explicit_hash_key.empty() && !IsValidHashKey(record.explicit_hash_key)) {
    return ClientError("InvalidExplicitHashKey",
                       "explicit hash key must be a decimal number from 0 to 2^128-1");
  }
  const int64_t size = RecordSize(record);
  if (size > limits.max_record_bytes) {
    return ClientError("RecordTooLarge", "record is " + std::to_string(size) +
                                             " bytes (data + partition key); the stream allows at most " +
                                             std::to_string(limits.max_record_bytes));
  }
  return std::nullopt;
}

std::optional<AwsError> CheckPutRecords(std::span<const PutRecordsEntry> records,
                                        const StreamLimits& limits) {
  if (records.empty()) return ClientError("InvalidRequest", "PutRecords needs at least one record");
  if (records.size() > kMaxRecordsPerPutRecords) {
    return ClientError("TooManyRecords",
                       "PutRecords takes at most 500 records; got " + std::to_string(records.size()));
  }
  int64_t total = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (auto error = CheckRecord(records[i], limits)) {
      error->message = "record " + std::to_string(i) + ": " + error->message;
      return error;
    }
    total += RecordSize(records[i]);
  }
  if (total > limits.max_request_bytes) {
    return ClientError("RequestTooLarge", "PutRecords payload is " + std::to_string(total) +
                                              " bytes (data + partition keys); the limit is " +
                                              std::to_string(limits.max_request_bytes));
  }
  return std::nullopt;
}

}  // namespace streamhook::aws
