#include "ingest/netmera_calls.h"

#include <array>

#include "common/time_format.h"

namespace streamhook::ingest {
namespace {

enum EventSlot : uint8_t {
  kCode,
  kEventUserId,
  kExtId,
  kEventMessageId,
  kTimestamp,
  kTime,
  kEventWriteKey,
  kEventSlots
};
constexpr std::array<std::string_view, kEventSlots> kEventKeys = {
    "code", "userId", "extId", "messageId", "timestamp", "time", "writeKey"};

enum LogSlot : uint8_t {
  kLogId,
  kLogMessageId,
  kCampaign,
  kChannel,
  kStatus,
  kLogUserId,
  kLogTime,
  kLogWriteKey,
  kLogType,
  kLogReceivedAt,
  kLogSlots,
};
constexpr std::array<std::string_view, kLogSlots> kLogKeys = {
    "id", "messageId", "campaign", "channel", "status", "userId", "time", "writeKey", "type", "receivedAt"};

constexpr std::string_view kStatuses[] = {"sent", "delivered", "opened", "clicked", "failed"};

bool IsAllowedStatus(std::string_view status) {
  for (std::string_view allowed : kStatuses) {
    if (status == allowed) return true;
  }
  return false;
}

// A present time must be an ISO 8601 string: a client sending something else would otherwise have
// its events silently re-dated.
std::optional<ItemProblem> CheckTime(const JsonValue& value, std::string_view name, ErrorCode code) {
  if (!value.present()) return std::nullopt;
  if (value.is_string() && ParseIso8601Millis(value.text)) return std::nullopt;
  return ItemProblem{
      code, std::string(name) + " must be an ISO 8601 date-time string, e.g. 2024-05-01T12:00:00.000Z"};
}

void AppendIfPresent(std::string_view key, const JsonValue& value, std::string* json) {
  if (value.kind != JsonKind::kMissing) AppendMember(key, value.raw, json);
}

}  // namespace

const MessageSchema& NetmeraEventSchema() {
  static const MessageSchema schema{.keys = kEventKeys, .members_mask = 0, .write_key_slot = kEventWriteKey};
  return schema;
}

const MessageSchema& MessageLogSchema() {
  static const MessageSchema schema{.keys = kLogKeys, .members_mask = 0, .write_key_slot = kLogWriteKey};
  return schema;
}

std::optional<ItemProblem> BuildNetmeraEvent(const ScannedMessage& message, const ScanArena& arena,
                                             const BuildContext& context, Event* out) {
  if (message.kind != JsonKind::kObject) {
    return ItemProblem{ErrorCode::kNotAnObject, "each event must be a JSON object"};
  }
  if (auto problem = CheckEventSize(message.raw, context)) return problem;
  const auto& known = message.known;
  if (known[kCode].StringText().empty()) {
    return ItemProblem{ErrorCode::kMissingCode, "`code`, the event code, is required as a non-empty string"};
  }
  if (auto problem = CheckIdType(known[kEventUserId], "userId")) return problem;
  if (auto problem = CheckIdType(known[kExtId], "extId")) return problem;
  std::string_view user_id = known[kEventUserId].IdText();
  if (user_id.empty()) user_id = known[kExtId].IdText();
  if (user_id.empty()) return ItemProblem{ErrorCode::kNoUserId, "userId or extId is required"};
  const JsonValue& time = known[kTimestamp].present() ? known[kTimestamp] : known[kTime];
  if (auto problem =
          CheckTime(time, known[kTimestamp].present() ? "timestamp" : "time", ErrorCode::kInvalidTimestamp)) {
    return problem;
  }

  std::string& json = out->json;
  json.clear();
  json.reserve(message.raw.size() + 192);
  json.append("{\"type\":\"event\"");
  AppendMember("code", known[kCode].raw, &json);
  AppendIfPresent("userId", known[kEventUserId], &json);
  AppendIfPresent("extId", known[kExtId], &json);
  AppendMember("attributes", "{", &json);
  bool first = true;
  for (const RawField& attribute : arena.Extras(message)) {
    if (!first) json.push_back(',');
    json.append(attribute.raw);
    first = false;
  }
  json.push_back('}');
  if (auto problem = AppendMessageId(known[kEventMessageId], "messageId", context, &out->message_id, &json)) {
    return problem;
  }
  AppendPlainString("receivedAt", context.received_at, &json);
  if (time.present()) {
    AppendMember("timestamp", time.raw, &json);
  } else {
    AppendPlainString("timestamp", context.received_at, &json);
  }
  json.push_back('}');

  FillEnvelope(Trigger::kEvent, context, out);
  out->user_id.assign(user_id);
  out->anonymous_id.clear();
  out->event_code.assign(known[kCode].text);
  return std::nullopt;
}

std::optional<ItemProblem> BuildMessageLog(const ScannedMessage& message, const ScanArena& arena,
                                           const BuildContext& context, Event* out) {
  if (message.kind != JsonKind::kObject) {
    return ItemProblem{ErrorCode::kNotAnObject, "each log must be a JSON object"};
  }
  if (auto problem = CheckEventSize(message.raw, context)) return problem;
  const auto& known = message.known;
  if (!IsAllowedStatus(known[kStatus].StringText())) {
    return ItemProblem{ErrorCode::kInvalidStatus,
                       "`status` must be one of sent, delivered, opened, clicked, failed"};
  }
  if (auto problem = CheckIdType(known[kLogUserId], "userId")) return problem;
  if (known[kLogUserId].IdText().empty()) return ItemProblem{ErrorCode::kNoUserId, "userId is required"};
  if (auto problem = CheckTime(known[kLogTime], "time", ErrorCode::kInvalidTimestamp)) return problem;

  std::string& json = out->json;
  json.clear();
  json.reserve(message.raw.size() + 160);
  json.append("{\"type\":\"message_log\"");
  if (auto problem = AppendMessageId(known[kLogId], "id", context, &out->message_id, &json)) return problem;
  AppendIfPresent("messageId", known[kLogMessageId], &json);
  AppendIfPresent("campaign", known[kCampaign], &json);
  AppendIfPresent("channel", known[kChannel], &json);
  AppendMember("status", known[kStatus].raw, &json);
  AppendMember("userId", known[kLogUserId].raw, &json);
  if (known[kLogTime].present()) {
    AppendMember("time", known[kLogTime].raw, &json);
  } else {
    AppendPlainString("time", context.received_at, &json);
  }
  AppendPlainString("receivedAt", context.received_at, &json);
  for (const RawField& extra : arena.Extras(message)) {
    json.push_back(',');
    json.append(extra.raw);
  }
  json.push_back('}');

  FillEnvelope(Trigger::kMessageLog, context, out);
  out->user_id.assign(known[kLogUserId].IdText());
  out->anonymous_id.clear();
  out->event_code.assign(known[kStatus].text);
  return std::nullopt;
}

}  // namespace streamhook::ingest
