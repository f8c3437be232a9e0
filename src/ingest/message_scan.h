// Scanning one message object: the fields ingest understands (per endpoint, a MessageSchema) are
// picked out with their values; all other members are kept as exact text to be copied through.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "ingest/json_scan.h"

namespace streamhook::ingest {

inline constexpr size_t kMaxKnownFields = 16;

// The fields an endpoint understands. A field's slot in ScannedMessage::known is its index in
// `keys`. Known string values are unescaped; members of the slots in `members_mask` (bit = slot)
// are collected, for merging (a batch's context and integrations).
struct MessageSchema {
  std::span<const std::string_view> keys;
  uint32_t members_mask = 0;
  int write_key_slot = -1;  // where a single call's writeKey lands, -1 when the schema has none
};

struct ScannedMessage {
  std::string_view raw;               // the message's exact text (what the size limit measures)
  JsonKind kind = JsonKind::kObject;  // batch items that are not objects are kept to be reported
  uint32_t extras_begin = 0;          // members not in the schema, in ScanArena::extras
  uint32_t extras_end = 0;
  std::array<JsonValue, kMaxKnownFields> known{};  // by slot; kMissing when absent
};

// Per-thread storage reused across requests so scanning allocates nothing once warm.
struct ScanArena {
  std::vector<RawField> extras;
  std::vector<RawField> members;
  std::vector<ScannedMessage> messages;

  void Clear() {
    extras.clear();
    members.clear();
    messages.clear();
  }
  std::span<const RawField> Extras(const ScannedMessage& m) const {
    return std::span(extras).subspan(m.extras_begin, m.extras_end - m.extras_begin);
  }
  std::span<const RawField> Members(const JsonValue& v) const {
    return std::span(members).subspan(v.members_begin, v.members_end - v.members_begin);
  }
};

// Scans the members of `object` (at nesting level `depth`) into *out per `schema`. A repeated
// known key keeps its last value. out->raw is left to the caller, who knows where the object ends.
simdjson::error_code ScanMessage(simdjson::ondemand::object& object, const MessageSchema& schema, int depth,
                                 ScanArena* arena, ScannedMessage* out);

}  // namespace streamhook::ingest
