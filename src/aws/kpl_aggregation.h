// The Kinesis Producer Library's aggregated record format: many user records packed into one
// Kinesis record, read back unchanged by the KCL and Lambda's deaggregation.
//
//   F3 89 9A C2 | protobuf AggregatedRecord (kpl_messages.proto) | MD5 of the protobuf bytes (16)
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace streamhook::aws {

inline constexpr std::string_view kKplMagic{"\xF3\x89\x9A\xC2", 4};

struct UserRecord {
  std::string partition_key;
  std::string explicit_hash_key;  // empty when none
  std::string data;
};

// True when the data starts with the KPL magic and is long enough to hold the digest.
bool IsAggregated(std::string_view data);

// The user records inside an aggregated record. Corruption when the MD5 does not match or the
// protobuf is malformed, points outside its key tables or holds a key that is not UTF-8 (Kinesis
// keys are Unicode strings); InvalidArgument when `data` is not in the aggregated format at all
// (callers check IsAggregated first).
Result<std::vector<UserRecord>> Deaggregate(std::string_view data);

// Packs user records into one aggregated record's data (key tables deduplicated). The caller picks
// the Kinesis partition key / explicit hash key so that the record lands on the shard of its users.
std::string Aggregate(std::span<const UserRecord> records);

}  // namespace streamhook::aws
