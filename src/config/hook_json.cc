#include "config/hook_json.h"

#include <algorithm>
#include <cctype>

#include "common/time_format.h"

namespace streamhook::config {
namespace {

constexpr size_t kMaxEventCodes = 1000;
constexpr std::string_view kTriggerList = "EVENT, MESSAGE_LOG, TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS";

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

MaybeFieldError ReadTriggers(simdjson::dom::element value, std::vector<Trigger>* out) {
  simdjson::dom::array array;
  const FieldError wrong =
      FieldError::Invalid("triggers", "must be a non-empty array of " + std::string(kTriggerList));
  if (value.get_array().get(array) != simdjson::SUCCESS || array.size() == 0) return wrong;
  std::vector<Trigger> triggers;
  for (simdjson::dom::element element : array) {
    std::string_view name;
    if (element.get_string().get(name) != simdjson::SUCCESS) return wrong;
    const std::optional<Trigger> trigger = TriggerFromName(Upper(name));
    if (!trigger) return FieldError::Invalid("triggers", "may only contain " + std::string(kTriggerList));
    // Repeats are harmless; keeping one of each makes matching and display simpler.
    if (std::find(triggers.begin(), triggers.end(), *trigger) == triggers.end()) triggers.push_back(*trigger);
  }
  *out = std::move(triggers);
  return std::nullopt;
}

MaybeFieldError ReadEventCodes(simdjson::dom::element value, std::vector<std::string>* out) {
  simdjson::dom::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) {
    return FieldError::Invalid("eventCodes", "must be an array of strings (empty for every event)");
  }
  if (array.size() > kMaxEventCodes) {
    return FieldError::Invalid("eventCodes",
                               "must list at most " + std::to_string(kMaxEventCodes) + " codes");
  }
  std::vector<std::string> codes;
  for (simdjson::dom::element element : array) {
    std::string code;
    if (ReadString(element, "eventCodes", &code).has_value()) {
      return FieldError::Invalid("eventCodes", "must be an array of strings (empty for every event)");
    }
    if (const Problem problem = CheckEventCode(code))
      return FieldError::Invalid("eventCodes", "entries " + *problem);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(std::move(code));
  }
  *out = std::move(codes);
  return std::nullopt;
}

MaybeFieldError ReadBatch(simdjson::dom::element value, HookWriteMode mode, BatchSettings* batch) {
  simdjson::dom::object object;
  if (MaybeFieldError error = ReadObject(value, "batch", &object)) return error;
  // PUT and POST describe the whole batch: settings left out fall back to their defaults.
  if (mode != HookWriteMode::kPatch) *batch = BatchSettings{};
  for (const auto [key, member] : object) {
    const std::string field = FieldPath("batch", key);
    int64_t number = 0;
    if (key == "maxRecords") {
      if (MaybeFieldError error = ReadInt(member, field, 1, kMaxBatchRecords, &number)) return error;
      batch->max_records = static_cast<int>(number);
    } else if (key == "maxBytes") {
      if (MaybeFieldError error = ReadInt(member, field, 1, kMaxBatchBytes, &number)) return error;
      batch->max_bytes = number;
    } else if (key == "lingerMs") {
      if (MaybeFieldError error = ReadInt(member, field, 0, kMaxLingerMs, &number)) return error;
      batch->linger_ms = static_cast<int>(number);
    } else {
      return UnknownField(field);
    }
  }
  return std::nullopt;
}

// Applies one top-level member of a hook body to *hook.
MaybeFieldError ApplyMember(std::string_view key, simdjson::dom::element value, HookWriteMode mode,
                            Hook* hook) {
  std::string text;
  if (key == "id") {
    if (MaybeFieldError error = ReadString(value, "id", &text)) return error;
    if (mode == HookWriteMode::kCreate) {
      if (MaybeFieldError error = AsFieldError("id", CheckResourceId(text))) return error;
      hook->id = text;
    } else if (text != hook->id) {
      return FieldError::Invalid("id", "cannot be changed (it must match the id in the path)");
    }
  } else if (key == "name") {
    if (MaybeFieldError error = ReadString(value, "name", &text)) return error;
    if (MaybeFieldError error = AsFieldError("name", CheckName(text))) return error;
    hook->name = text;
  } else if (key == "type") {
    if (MaybeFieldError error = ReadString(value, "type", &text)) return error;
    if (Upper(text) != "KINESIS") return FieldError::Invalid("type", "must be \"KINESIS\"");
  } else if (key == "streamName") {
    if (MaybeFieldError error = ReadString(value, "streamName", &text)) return error;
    if (MaybeFieldError error = AsFieldError("streamName", CheckStreamName(text))) return error;
    hook->stream_name = text;
  } else if (key == "triggers") {
    return ReadTriggers(value, &hook->triggers);
  } else if (key == "eventCodes") {
    return ReadEventCodes(value, &hook->event_codes);
  } else if (key == "payloadFormat") {
    if (MaybeFieldError error = ReadString(value, "payloadFormat", &text)) return error;
    const std::optional<PayloadFormat> format = PayloadFormatFromName(Lower(text));
    if (!format) return FieldError::Invalid("payloadFormat", "must be \"segment\" or \"netmera\"");
    hook->payload_format = *format;
  } else if (key == "partitionKey") {
    if (MaybeFieldError error = ReadString(value, "partitionKey", &text)) return error;
    if (MaybeFieldError error = AsFieldError("partitionKey", CheckPartitionKey(text))) return error;
    hook->partition_key = text;
  } else if (key == "batch") {
    return ReadBatch(value, mode, &hook->batch);
  } else if (key == "enabled") {
    return ReadBool(value, "enabled", &hook->enabled);
  } else if (key == "createdAt" || key == "updatedAt") {
    // Read-only: accepted so that a GET result can be edited and sent back as is.
  } else {
    return UnknownField(key);
  }
  return std::nullopt;
}

}  // namespace

MaybeFieldError ApplyHookJson(std::string_view body, HookWriteMode mode, Hook* hook) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (MaybeFieldError error = ParseJsonObject(parser, body, &object)) return error;
  for (const auto [key, value] : object) {
    if (MaybeFieldError error = ApplyMember(key, value, mode, hook)) return error;
  }
  if (mode != HookWriteMode::kPatch) {
    for (std::string_view required : {"name", "streamName", "triggers"}) {
      if (object[required].error() != simdjson::SUCCESS) return MissingField(required);
    }
  }
  return std::nullopt;
}

void WriteHookJson(const Hook& hook, JsonWriter* writer) {
  writer->BeginObject();
  writer->Key("id");
  writer->String(hook.id);
  writer->Key("name");
  writer->String(hook.name);
  writer->Key("type");
  writer->String("KINESIS");
  writer->Key("streamName");
  writer->String(hook.stream_name);
  writer->Key("triggers");
  writer->BeginArray();
  for (Trigger trigger : hook.triggers) writer->String(TriggerName(trigger));
  writer->EndArray();
  writer->Key("eventCodes");
  writer->BeginArray();
  for (const std::string& code : hook.event_codes) writer->String(code);
  writer->EndArray();
  writer->Key("payloadFormat");
  writer->String(PayloadFormatName(hook.payload_format));
  writer->Key("partitionKey");
  writer->String(hook.partition_key);
  writer->Key("batch");
  writer->BeginObject();
  writer->Key("maxRecords");
  writer->Int(hook.batch.max_records);
  writer->Key("maxBytes");
  writer->Int(hook.batch.max_bytes);
  writer->Key("lingerMs");
  writer->Int(hook.batch.linger_ms);
  writer->EndObject();
  writer->Key("enabled");
  writer->Bool(hook.enabled);
  writer->Key("createdAt");
  writer->String(FormatIso8601Millis(hook.created_at_ms));
  writer->Key("updatedAt");
  writer->String(FormatIso8601Millis(hook.updated_at_ms));
  writer->EndObject();
}

}  // namespace streamhook::config
