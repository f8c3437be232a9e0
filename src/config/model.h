// The configuration model: the Kinesis connector, hooks (what to send where) and sources (who may
// send). Secrets are plain in memory; the store encrypts them at rest and the admin API masks them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/event.h"

namespace streamhook::config {

struct KinesisConnector {
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;  // plain in memory, encrypted in config.db
  std::string endpoint;           // optional override URL, e.g. a local emulator; empty = AWS
  std::string ca_file;            // optional CA bundle for the endpoint; empty = system roots
  bool active = false;
  int64_t updated_at_ms = 0;
  // Optional IAM role to assume with the credentials above (or the default chain's); empty = none.
  std::string role_arn;
  // Optional sts:ExternalId for role_arn. Not a secret (AWS says so), so shown in full.
  std::string external_id;

  // True when neither key is set: the server then finds credentials itself through the default
  // AWS chain (environment, web identity, profile, EC2 instance metadata).
  bool UsesDefaultCredentials() const { return access_key_id.empty() && secret_access_key.empty(); }
};

enum class PayloadFormat { kSegment, kNetmera };

// "segment" / "netmera", as the admin API spells them.
std::string_view PayloadFormatName(PayloadFormat format);
// Inverse of PayloadFormatName; nullopt for an unknown name.
std::optional<PayloadFormat> PayloadFormatFromName(std::string_view name);

// Kinesis PutRecords limits: 500 records and 5 MiB per call.
inline constexpr int kMaxBatchRecords = 500;
inline constexpr int64_t kMaxBatchBytes = 5 << 20;
inline constexpr int kMaxLingerMs = 60000;

struct BatchSettings {
  int max_records = kMaxBatchRecords;
  int64_t max_bytes = kMaxBatchBytes;
  int linger_ms = 50;

  bool operator==(const BatchSettings&) const = default;
};

// KPL aggregation: several user records packed into one Kinesis record, up to max_bytes each.
// A Kinesis record holds at most 1 MiB.
inline constexpr int64_t kMinAggregationBytes = 1024;
inline constexpr int64_t kMaxAggregationBytes = 1 << 20;

struct AggregationSettings {
  bool enabled = false;
  int64_t max_bytes = 51200;

  bool operator==(const AggregationSettings&) const = default;
};

// Record TTL: 0 = none, else 1 second to 7 days.
inline constexpr int64_t kMinRecordTtlMs = 1000;
inline constexpr int64_t kMaxRecordTtlMs = 7LL * 24 * 3600 * 1000;

// Per-shard token bucket caps. AWS allows 1000 records/s and 1 MiB/s of writes per shard; the
// upper bounds leave room for streams whose limits were raised, or for on-demand streams.
inline constexpr int64_t kMaxShardRecordsPerSecond = 100000;
inline constexpr int64_t kMinShardBytesPerSecond = 1024;
inline constexpr int64_t kMaxShardBytesPerSecond = 100LL << 20;

struct ShardRateSettings {
  int64_t records_per_second = 1000;
  int64_t bytes_per_second = 1 << 20;

  bool operator==(const ShardRateSettings&) const = default;
};

struct Hook {
  std::string id;
  std::string name;
  std::string stream_name;
  std::vector<Trigger> triggers;         // at least one
  std::vector<std::string> event_codes;  // empty = every event code
  PayloadFormat payload_format = PayloadFormat::kSegment;
  std::string partition_key = "userId";  // "userId" | "messageId" | JSON pointer "/a/b"
  BatchSettings batch;
  AggregationSettings aggregation;
  // Records older than this when they would be retried go to the dead letters; 0 = no TTL.
  int64_t record_ttl_ms = 0;
  ShardRateSettings shard_rate;
  bool enabled = true;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

struct Source {
  std::string id;
  std::string name;
  std::string write_key;  // plain in memory, encrypted in config.db
  int64_t created_at_ms = 0;
};

// An immutable view of the whole configuration, swapped atomically on every change. Readers keep
// the shared_ptr they loaded for as long as they need a consistent picture.
struct ConfigSnapshot {
  uint64_t version = 0;  // grows with every change
  std::optional<KinesisConnector> connector;
  std::vector<Hook> hooks;      // ordered by creation
  std::vector<Source> sources;  // ordered by creation

  // Builds a snapshot and its write-key index.
  ConfigSnapshot(uint64_t version, std::optional<KinesisConnector> connector, std::vector<Hook> hooks,
                 std::vector<Source> sources);
  ConfigSnapshot() = default;

  // The id of the source owning this write key, or nullopt. O(1): a hash map built once per
  // snapshot, so ingest never decrypts or scans per request.
  std::optional<std::string> SourceIdForWriteKey(std::string_view write_key) const;
  // The hook / source with this id, or nullptr.
  const Hook* FindHook(std::string_view id) const;
  const Source* FindSource(std::string_view id) const;

 private:
  // Transparent hashing lets lookups take a string_view without copying the key (hot path).
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> source_id_by_write_key_;
};

}  // namespace streamhook::config
