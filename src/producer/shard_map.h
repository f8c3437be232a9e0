// ShardMap: which open shard of a stream a record will land on, predicted the way Kinesis places
// records: the MD5 of the partition key read as a 128-bit big-endian number (or the explicit hash
// key, when given) falls in exactly one open shard's hash key range.
//
// Closed shards (those with an EndingSequenceNumber, i.e. parents after a reshard) take no new
// records and are left out. An empty map predicts nothing: callers then use one "unknown" queue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/kinesis_types.h"
#include "common/status.h"

namespace streamhook::producer {

using HashKey = unsigned __int128;

// MD5(partition key) as a big-endian 128-bit number: where Kinesis puts the key.
HashKey PartitionKeyHash(std::string_view partition_key);
// A decimal hash key in [0, 2^128); nullopt when it is not one.
std::optional<HashKey> ParseHashKey(std::string_view decimal);
// The decimal text of a hash key (as ExplicitHashKey and ListShards spell it).
std::string FormatHashKey(HashKey key);

class ShardMap {
 public:
  // Replaces the map by the open shards among `shards`. InvalidArgument (and the map unchanged)
  // when a range is not a decimal hash key or the ranges overlap.
  Status Load(const std::vector<aws::Shard>& shards);
  void Clear() {
    ranges_.clear();
    ids_.clear();
  }

  bool loaded() const { return !ranges_.empty(); }
  size_t shard_count() const { return ranges_.size(); }
  bool Contains(std::string_view shard_id) const;

  // The open shard holding `hash`; "" when the map is empty or no range covers it (a gap while a
  // reshard is half seen).
  std::string_view ShardFor(HashKey hash) const;
  // ShardFor the explicit hash key when there is a valid one, else for the partition key's MD5.
  std::string_view Predict(std::string_view partition_key, std::string_view explicit_hash_key = {}) const;

 private:
  struct Range {
    HashKey start;
    HashKey end;
    std::string shard_id;
  };
  std::vector<Range> ranges_;     // sorted by start, disjoint
  std::vector<std::string> ids_;  // the ranges' shard ids, sorted
};

}  // namespace streamhook::producer
