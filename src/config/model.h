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

struct Hook {
  std::string id;
  std::string name;
  std::string stream_name;
  std::vector<Trigger> triggers;         // at least one
  std::vector<std::string> event_codes;  // empty = every event code
  PayloadFormat payload_format = PayloadFormat::kSegment;
  std::string partition_key = "userId";  // "userId" | "messageId" | JSON pointer "/a/b"
  BatchSettings batch;
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
