// Event: one accepted customer event as it travels ingest -> spool -> hooks.
//
// Ingest parses each message once and keeps what routing needs (trigger, code, ids) next to the
// normalized JSON, so hooks can match and pick partition keys without parsing again.
// EncodeEvent/DecodeEvent define the bytes stored as one spool record.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook {

enum class Trigger : uint8_t {
  kTrack = 1,
  kIdentify = 2,
  kPage = 3,
  kScreen = 4,
  kGroup = 5,
  kAlias = 6,
  kEvent = 7,       // Netmera-style event with an event code
  kMessageLog = 8,  // Netmera-style message delivery log
};

// "TRACK", "IDENTIFY", ..., "EVENT", "MESSAGE_LOG": the names the admin API uses.
std::string_view TriggerName(Trigger trigger);
// Inverse of TriggerName; nullopt for an unknown name.
std::optional<Trigger> TriggerFromName(std::string_view name);

struct Event {
  Trigger trigger = Trigger::kTrack;
  int64_t received_at_ms = 0;
  std::string source_id;  // the source whose write key accepted it
  std::string message_id;
  std::string user_id;       // empty when absent
  std::string anonymous_id;  // empty when absent
  // What hooks filter on with eventCodes: track's `event`, EVENT's `code`, MESSAGE_LOG's `status`;
  // empty for the other triggers.
  std::string event_code;
  std::string json;  // the normalized message, a JSON object
};

// A decoded event whose strings point into the record it was decoded from.
struct EventView {
  Trigger trigger = Trigger::kTrack;
  int64_t received_at_ms = 0;
  std::string_view source_id;
  std::string_view message_id;
  std::string_view user_id;
  std::string_view anonymous_id;
  std::string_view event_code;
  std::string_view json;
};

// Appends the record bytes for `event` to *out.
void EncodeEvent(const Event& event, std::string* out);
// Decodes a record written by EncodeEvent; the view borrows from `record`.
Result<EventView> DecodeEvent(std::string_view record);

}  // namespace streamhook
