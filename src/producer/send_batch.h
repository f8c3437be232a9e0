// The queues HookProducer sends from, and how one PutRecords batch is taken from them.
//
// Records wait in a queue per partition key, in accepted order. A key whose next record may be
// sent is "ready" and sits in the ready list of the shard it is predicted to land on. TakeBatch
// takes one shard's share of a call from the front of its ready list (the producer's collector
// gathers the shares of many shards into one PutRecords). With key order preserved, a key gives at most
// one Kinesis record to a batch (its head, or with aggregation a run of its consecutive records
// packed together) and then stays out of the ready lists until that record is acknowledged:
// PutRecords may store a key's later record while failing an earlier one, so that is the only
// way to keep a key's order across retries.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "spool/spool_types.h"

namespace streamhook::producer {

struct OutgoingRecord {
  spool::Lsn lsn = 0;
  std::string partition_key;
  std::string data;
  std::string message_id;
  int64_t received_at_ms = 0;
  int attempts = 0;  // sends so far
};

// Bytes a record counts against Kinesis' limits: data plus partition key.
inline int64_t WireSize(const OutgoingRecord& r) {
  return static_cast<int64_t>(r.data.size() + r.partition_key.size());
}

struct KeyQueue {
  std::string key;
  std::deque<OutgoingRecord> records;   // not sent, or to be sent again, in accepted order
  int64_t bytes = 0;                    // WireSize of `records`
  int in_flight = 0;                    // records of this key sent and not yet acknowledged
  bool ready = false;                   // in a shard's ready list
  std::string shard;                    // where it was predicted to land ("" unknown)
  uint64_t map_version = ~uint64_t{0};  // the shard map version `shard` was predicted with
};

// One Kinesis record of a batch: a user record, or several packed in the KPL format.
struct BatchEntry {
  std::vector<OutgoingRecord> records;  // in accepted order
  std::string aggregated;               // the KPL record's data when packed, else empty

  // The aggregated record carries its first user record's partition key, so Kinesis puts it on
  // the shard of that key, which is the shard predicted for all of them.
  std::string_view partition_key() const { return records.front().partition_key; }
  std::string_view data() const {
    return aggregated.empty() ? std::string_view(records.front().data) : aggregated;
  }
  int64_t wire_bytes() const { return static_cast<int64_t>(data().size() + partition_key().size()); }
};

struct BatchLimits {
  size_t max_entries = 500;            // Kinesis records in the request
  int64_t max_bytes = 5 << 20;         // wire bytes of the request
  bool preserve_key_order = true;      // false: a key's records may be in flight together
  int64_t aggregate_max_bytes = 0;     // 0: no aggregation, else the largest packed record
  bool aggregate_across_keys = false;  // pack several keys together (only when they share a shard)
};

// What the ready list holds, kept by the caller for its send decisions.
struct ReadyCounts {
  size_t records = 0;
  int64_t bytes = 0;
};

// An upper bound on the size of the KPL record packing records of `new_keys` distinct keys
// (key table entries) and `records` user records of `data_bytes` total data.
int64_t AggregatedSizeBound(size_t records, int64_t data_bytes, size_t new_keys, int64_t key_bytes);

// Takes a batch from the front of `ready` within `limits`, moving records out of their key
// queues and counting them in_flight. Keys that give up their turn leave the list (ready = false);
// `counts` follows. At least one entry when `ready` is not empty, even one over max_bytes (the
// caller checked each record against the stream's limits).
std::vector<BatchEntry> TakeBatch(std::deque<KeyQueue*>& ready, ReadyCounts& counts,
                                  const BatchLimits& limits);

}  // namespace streamhook::producer
