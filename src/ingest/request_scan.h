// Scanning a whole request body into messages (first of the two passes of ParseTrackingCall).
//
// Two passes because a batch's own fields (writeKey, sentAt, context) may follow its items, as
// @segment/analytics-node sends them: the body is scanned fully before any item is judged.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ingest/ingest_error.h"
#include "ingest/message_scan.h"

namespace streamhook::ingest {

enum class BodyShape {
  kSingle,     // one message object: /v1/track, /v1/identify, ...
  kBatch,      // {"batch":[...], ...}: /v1/batch, /v1/import
  kEventList,  // [...] or {"events":[...], ...}: /v1/events
  kLogList,    // [...] or {"logs":[...], ...}: /v1/message-logs
};

// What a body holds besides its messages (which go to ScanArena::messages).
struct ScannedBody {
  JsonValue write_key;                // the body's writeKey (top level, or the single message's)
  JsonValue context;                  // a batch's shared context (members collected)
  JsonValue integrations;             // a batch's shared integrations (members collected)
  JsonValue sent_at;                  // a batch's sentAt
  std::optional<int64_t> sent_at_ms;  // sent_at parsed, once for all items
  bool has_list = false;              // list shapes: the item array was found
  bool too_many = false;              // the list had more than max_items items; the rest was not scanned
};

// Scans `body` as `shape`, items per `item_schema`, into *arena and *out. Returns an error (400
// invalid_json or not_an_object) when the body is not such JSON; judging the items is left to the
// caller.
std::optional<IngestError> ScanBody(simdjson::padded_string_view body, BodyShape shape,
                                    const MessageSchema& item_schema, size_t max_items, ScanArena* arena,
                                    ScannedBody* out);

}  // namespace streamhook::ingest
