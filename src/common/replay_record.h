// ReplayRecord: a dead letter sent back through the spool to the one hook it belongs to.
//
// Replaying goes through the spool rather than straight to Kinesis so that it is as durable as
// ingest: once appended, the letter may be removed from the dead letters, and the hook delivers it
// at least once, behind its cursor, with its usual retries. Every hook reads it; only the hook
// named in it sends it. Its first byte differs from an event record's, so readers tell them apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook {

struct ReplayRecord {
  std::string hook_id;
  std::string message_id;
  std::string partition_key;  // empty: the hook derives it from `data` with its current setting
  std::string data;           // the record's data as it was dead-lettered
  int64_t received_at_ms = 0;  // when the original event was accepted
};

// True when a spool record holds a ReplayRecord (not an Event).
bool IsReplayRecord(std::string_view record);
// Appends the spool record bytes for `replay` to *out.
void EncodeReplayRecord(const ReplayRecord& replay, std::string* out);
// Decodes bytes written by EncodeReplayRecord; Corruption when truncated or not a replay record.
Result<ReplayRecord> DecodeReplayRecord(std::string_view record);

}  // namespace streamhook
