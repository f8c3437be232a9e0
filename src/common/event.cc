#include "common/event.h"

#include <cstring>

namespace streamhook {
namespace {

// Record layout (little-endian): version u8 | trigger u8 | received_at i64 |
// then six strings, each u32 length + bytes: source_id, message_id, user_id, anonymous_id,
// event_code, json.
constexpr uint8_t kVersion = 1;

void PutU32(uint32_t v, std::string* out) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  out->append(b, 4);
}

void PutString(std::string_view s, std::string* out) {
  PutU32(static_cast<uint32_t>(s.size()), out);
  out->append(s);
}

bool GetString(std::string_view* in, std::string_view* s) {
  if (in->size() < 4) return false;
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(4);
  if (in->size() < len) return false;
  *s = in->substr(0, len);
  in->remove_prefix(len);
  return true;
}

}  // namespace

std::string_view TriggerName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kTrack: return "TRACK";
    case Trigger::kIdentify: return "IDENTIFY";
    case Trigger::kPage: return "PAGE";
    case Trigger::kScreen: return "SCREEN";
    case Trigger::kGroup: return "GROUP";
    case Trigger::kAlias: return "ALIAS";
    case Trigger::kEvent: return "EVENT";
    case Trigger::kMessageLog: return "MESSAGE_LOG";
  }
  return "UNKNOWN";
}

std::optional<Trigger> TriggerFromName(std::string_view name) {
  for (int t = 1; t <= 8; ++t) {
    const auto trigger = static_cast<Trigger>(t);
    if (TriggerName(trigger) == name) return trigger;
  }
  return std::nullopt;
}

void EncodeEvent(const Event& event, std::string* out) {
  out->push_back(static_cast<char>(kVersion));
  out->push_back(static_cast<char>(event.trigger));
  const auto t = static_cast<uint64_t>(event.received_at_ms);
  PutU32(static_cast<uint32_t>(t), out);
  PutU32(static_cast<uint32_t>(t >> 32), out);
  PutString(event.source_id, out);
  PutString(event.message_id, out);
  PutString(event.user_id, out);
  PutString(event.anonymous_id, out);
  PutString(event.event_code, out);
  PutString(event.json, out);
}

Result<EventView> DecodeEvent(std::string_view record) {
  if (record.size() < 10 || static_cast<uint8_t>(record[0]) != kVersion) {
    return Status::Corruption("event record has an unknown version or is too short");
  }
  EventView view;
  const auto trigger = static_cast<uint8_t>(record[1]);
  if (trigger < 1 || trigger > 8) return Status::Corruption("event record has an unknown trigger");
  view.trigger = static_cast<Trigger>(trigger);
  uint64_t t = 0;
  for (int i = 0; i < 8; ++i) t |= static_cast<uint64_t>(static_cast<uint8_t>(record[2 + i])) << (8 * i);
  view.received_at_ms = static_cast<int64_t>(t);
  std::string_view in = record.substr(10);
  if (!GetString(&in, &view.source_id) || !GetString(&in, &view.message_id) ||
      !GetString(&in, &view.user_id) || !GetString(&in, &view.anonymous_id) ||
      !GetString(&in, &view.event_code) || !GetString(&in, &view.json) || !in.empty()) {
    return Status::Corruption("event record is truncated or has trailing bytes");
  }
  return view;
}

}  // namespace streamhook
