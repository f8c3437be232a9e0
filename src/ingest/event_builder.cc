#include "ingest/event_builder.h"

namespace streamhook::ingest {

void FillEnvelope(Trigger trigger, const BuildContext& context, Event* out) {
  out->trigger = trigger;
  out->received_at_ms = context.now_ms;
  out->source_id.assign(context.source_id);
}

std::optional<ItemProblem> CheckIdType(const JsonValue& value, std::string_view name) {
  if (!value.present() || value.kind == JsonKind::kString || value.kind == JsonKind::kNumber) {
    return std::nullopt;
  }
  return ItemProblem{ErrorCode::kInvalidField, std::string(name) + " must be a string or a number"};
}

std::optional<ItemProblem> AppendMessageId(const JsonValue& given, std::string_view key,
                                           const BuildContext& context, std::string* envelope_id,
                                           std::string* json) {
  if (auto problem = CheckIdType(given, key)) return problem;
  const std::string_view text = given.IdText();
  if (text.empty()) {
    *envelope_id = context.ids->NewId();
    AppendPlainString(key, *envelope_id, json);
    return std::nullopt;
  }
  if (text.size() > context.limits->max_message_id_length) {
    return ItemProblem{ErrorCode::kMessageIdTooLong,
                       std::string(key) + " is " + std::to_string(text.size()) +
                           " characters; the limit is " +
                           std::to_string(context.limits->max_message_id_length)};
  }
  envelope_id->assign(text);
  AppendMember(key, given.raw, json);
  return std::nullopt;
}

std::optional<ItemProblem> CheckEventSize(std::string_view raw, const BuildContext& context) {
  const size_t limit = context.limits->max_event_bytes;
  if (raw.size() <= limit) return std::nullopt;
  return ItemProblem{ErrorCode::kEventTooLarge,
                     "the event is " + std::to_string(raw.size()) + " bytes of JSON; the limit is " +
                         std::to_string(limit / 1024) + " KB (" + std::to_string(limit) + " bytes)"};
}

}  // namespace streamhook::ingest
