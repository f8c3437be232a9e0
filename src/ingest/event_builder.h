// Pieces shared by the second pass of every endpoint: turning one scanned message into an Event
// (the envelope plus the normalized JSON written straight into Event::json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/event.h"
#include "ingest/id_generator.h"
#include "ingest/ingest_error.h"
#include "ingest/ingest_limits.h"
#include "ingest/json_scan.h"
#include "ingest/time_formatter.h"

namespace streamhook::ingest {

// What every event of one request shares.
struct BuildContext {
  int64_t now_ms = 0;
  std::string_view received_at;  // now_ms in ISO 8601 with milliseconds, computed once
  std::string_view source_id;
  IdGenerator* ids = nullptr;
  const IngestLimits* limits = nullptr;
  TimeFormatter* times = nullptr;  // formats computed times (corrected timestamps)
};

// Why one item was refused; the caller adds which item.
struct ItemProblem {
  ErrorCode code;
  std::string reason;
};

// Sets the envelope fields every trigger has.
void FillEnvelope(Trigger trigger, const BuildContext& context, Event* out);

// Appends `,"key":raw` to *json.
inline void AppendMember(std::string_view key, std::string_view raw, std::string* json) {
  json->push_back(',');
  json->push_back('"');
  json->append(key);
  json->append("\":");
  json->append(raw);
}

// Appends `,"key":"text"` for text that needs no escaping (ids we generate, formatted times).
inline void AppendPlainString(std::string_view key, std::string_view text, std::string* json) {
  AppendMember(key, {}, json);
  json->push_back('"');
  json->append(text);
  json->push_back('"');
}

// Appends `,"<key>":<id>` and sets *envelope_id: the client's id when it is a non-empty string or
// number (copied as sent), else a generated one. A problem when the client's id has another JSON
// type or is longer than limits->max_message_id_length.
std::optional<ItemProblem> AppendMessageId(const JsonValue& given, std::string_view key,
                                           const BuildContext& context, std::string* envelope_id,
                                           std::string* json);

// A problem when `value` is present but neither a string nor a number (ids may be either).
std::optional<ItemProblem> CheckIdType(const JsonValue& value, std::string_view name);

// A problem when the message's text is over limits->max_event_bytes.
std::optional<ItemProblem> CheckEventSize(std::string_view raw, const BuildContext& context);

}  // namespace streamhook::ingest
