#include "ingest/tracking_call.h"

#include <array>

#include "common/time_format.h"

namespace streamhook::ingest {
namespace {

enum Slot : uint8_t {
  kType,
  kUserId,
  kAnonymousId,
  kMessageId,
  kEvent,
  kGroupId,
  kPreviousId,
  kTimestamp,
  kOriginalTimestamp,
  kSentAt,
  kReceivedAt,
  kWriteKey,
  kContext,
  kIntegrations,
  kSlotCount,
};

constexpr std::array<std::string_view, kSlotCount> kKeys = {
    "type",       "userId",     "anonymousId", "messageId",         "event",
    "groupId",    "previousId", "timestamp",   "originalTimestamp", "sentAt",
    "receivedAt", "writeKey",   "context",     "integrations",
};
static_assert(kSlotCount <= kMaxKnownFields);

// Fields copied as sent, right after `type`, in this order (the rest follow in the client's order).
constexpr Slot kCopiedKnownSlots[] = {kUserId, kAnonymousId, kEvent, kGroupId, kPreviousId};

std::string_view TypeName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kTrack: return "track";
    case Trigger::kIdentify: return "identify";
    case Trigger::kPage: return "page";
    case Trigger::kScreen: return "screen";
    case Trigger::kGroup: return "group";
    case Trigger::kAlias: return "alias";
    default: return "track";  // not a tracking call; callers never pass one
  }
}

bool HasKey(std::span<const RawField> fields, std::string_view key) {
  for (const RawField& field : fields) {
    if (field.key == key) return true;
  }
  return false;
}

// Writes the message's `key` (context or integrations) merged one level deep with the batch's
// shared object: the message's own members first, then shared members it does not have.
void AppendMerged(std::string_view key, const JsonValue& own, const JsonValue* shared, const ScanArena& arena,
                  std::string* json) {
  const bool shared_object = shared != nullptr && shared->is_object();
  if (!own.present()) {
    if (shared_object) {
      AppendMember(key, shared->raw, json);
    } else if (own.kind == JsonKind::kNull) {
      AppendMember(key, own.raw, json);
    }
    return;
  }
  const auto shared_members = shared_object ? arena.Members(*shared) : std::span<const RawField>();
  if (!own.is_object() || shared_members.empty()) {  // a non-object of the message's own wins whole
    AppendMember(key, own.raw, json);
    return;
  }
  const auto own_members = arena.Members(own);
  AppendMember(key, "{", json);
  bool first = true;
  for (const RawField& member : own_members) {
    if (!first) json->push_back(',');
    json->append(member.raw);
    first = false;
  }
  for (const RawField& member : shared_members) {
    if (HasKey(own_members, member.key)) continue;
    if (!first) json->push_back(',');
    json->append(member.raw);
    first = false;
  }
  json->push_back('}');
}

std::optional<int64_t> ParseTime(const JsonValue* value) {
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return ParseIso8601Millis(value->text);
}

// timestamp, originalTimestamp and sentAt, as Segment computes them: with a parseable sentAt and
// client time, timestamp = receivedAt - (sentAt - client time) corrects the client's clock skew.
void AppendTimes(const ScannedMessage& message, const ScannedBody* batch, const BuildContext& context,
                 std::string* json) {
  const JsonValue& timestamp = message.known[kTimestamp];
  const JsonValue& original = message.known[kOriginalTimestamp];
  const JsonValue* sent_at = nullptr;
  std::optional<int64_t> sent_ms;
  if (message.known[kSentAt].present()) {
    sent_at = &message.known[kSentAt];
    sent_ms = ParseTime(sent_at);
  } else if (batch != nullptr && batch->sent_at.present()) {
    sent_at = &batch->sent_at;
    sent_ms = batch->sent_at_ms;
  }
  const JsonValue* client = nullptr;
  std::optional<int64_t> client_ms = ParseTime(&timestamp);
  if (client_ms) {
    client = &timestamp;
  } else if ((client_ms = ParseTime(&original))) {
    client = &original;
  }
  const JsonValue* original_out = nullptr;
  if (client != nullptr && sent_ms) {
    AppendMember("timestamp", "\"", json);
    context.times->Append(context.now_ms - (*sent_ms - *client_ms), json);
    json->push_back('"');
    original_out = client;
  } else if (client != nullptr) {
    AppendMember("timestamp", client->raw, json);
    if (original.present() && client != &original) original_out = &original;
  } else {
    AppendPlainString("timestamp", context.received_at, json);
    // Unreadable client times are kept, not lost.
    original_out = original.present() ? &original : timestamp.present() ? &timestamp : nullptr;
  }
  if (original_out != nullptr) AppendMember("originalTimestamp", original_out->raw, json);
  if (sent_at != nullptr) AppendMember("sentAt", sent_at->raw, json);
}

std::optional<ItemProblem> CheckRequiredFields(const ScannedMessage& message, Trigger trigger) {
  const auto& known = message.known;
  for (Slot slot : {kUserId, kAnonymousId, kGroupId, kPreviousId}) {
    if (auto problem = CheckIdType(known[slot], kKeys[slot])) return problem;
  }
  if (trigger == Trigger::kAlias) {
    if (known[kUserId].IdText().empty()) {
      return ItemProblem{ErrorCode::kMissingUserId, "alias needs userId (the new id)"};
    }
    if (known[kPreviousId].IdText().empty()) {
      return ItemProblem{ErrorCode::kMissingPreviousId, "alias needs previousId (the id being replaced)"};
    }
    return std::nullopt;
  }
  if (known[kUserId].IdText().empty() && known[kAnonymousId].IdText().empty()) {
    return ItemProblem{ErrorCode::kNoUserAnonId, "userId or anonymousId is required"};
  }
  if (trigger == Trigger::kTrack && known[kEvent].StringText().empty()) {
    return ItemProblem{ErrorCode::kMissingEvent, "track needs `event`, the event name as a non-empty string"};
  }
  if (trigger == Trigger::kGroup && known[kGroupId].IdText().empty()) {
    return ItemProblem{ErrorCode::kMissingGroupId, "group needs groupId"};
  }
  return std::nullopt;
}

}  // namespace

const MessageSchema& TrackingSchema() {
  static const MessageSchema schema{
      .keys = kKeys, .members_mask = (1u << kContext) | (1u << kIntegrations), .write_key_slot = kWriteKey};
  return schema;
}

std::optional<Trigger> TrackingTriggerFromType(std::string_view type) {
  if (type == "track") return Trigger::kTrack;
  if (type == "identify") return Trigger::kIdentify;
  if (type == "page") return Trigger::kPage;
  if (type == "screen") return Trigger::kScreen;
  if (type == "group") return Trigger::kGroup;
  if (type == "alias") return Trigger::kAlias;
  return std::nullopt;
}

std::optional<ItemProblem> BatchItemTrigger(const ScannedMessage& message, Trigger* trigger) {
  if (message.kind != JsonKind::kObject) {
    return ItemProblem{ErrorCode::kNotAnObject, "each batch item must be a JSON object"};
  }
  std::optional<Trigger> named = TrackingTriggerFromType(message.known[kType].StringText());
  if (!named) {
    return ItemProblem{ErrorCode::kInvalidType,
                       "`type` must be one of track, identify, page, screen, group, alias"};
  }
  *trigger = *named;
  return std::nullopt;
}

std::optional<ItemProblem> BuildTrackingEvent(const ScannedMessage& message, Trigger trigger,
                                              const ScannedBody* batch, const ScanArena& arena,
                                              const BuildContext& context, Event* out) {
  if (auto problem = CheckEventSize(message.raw, context)) return problem;
  if (auto problem = CheckRequiredFields(message, trigger)) return problem;
  const auto& known = message.known;

  std::string& json = out->json;
  json.clear();
  json.reserve(message.raw.size() + 192 + (batch != nullptr ? batch->context.raw.size() : 0));
  json.append("{\"type\":\"").append(TypeName(trigger)).push_back('"');
  for (Slot slot : kCopiedKnownSlots) {
    if (known[slot].kind != JsonKind::kMissing) AppendMember(kKeys[slot], known[slot].raw, &json);
  }
  for (const RawField& extra : arena.Extras(message)) {
    json.push_back(',');
    json.append(extra.raw);
  }
  AppendMerged("context", known[kContext], batch != nullptr ? &batch->context : nullptr, arena, &json);
  AppendMerged("integrations", known[kIntegrations], batch != nullptr ? &batch->integrations : nullptr, arena,
               &json);
  if (auto problem = AppendMessageId(known[kMessageId], "messageId", context, &out->message_id, &json)) {
    return problem;
  }
  AppendPlainString("receivedAt", context.received_at, &json);
  AppendTimes(message, batch, context, &json);
  json.push_back('}');

  FillEnvelope(trigger, context, out);
  out->user_id.assign(known[kUserId].IdText());
  out->anonymous_id.assign(known[kAnonymousId].IdText());
  if (trigger == Trigger::kTrack) {
    out->event_code.assign(known[kEvent].StringText());
  } else {
    out->event_code.clear();
  }
  return std::nullopt;
}

}  // namespace streamhook::ingest
