#include "admin/hook_json.h"

#include <algorithm>
#include <cctype>

#include "common/time_format.h"

namespace streamhook::admin {
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
    if (const config::Problem problem = config::CheckEventCode(code))
      return FieldError::Invalid("eventCodes", "entries " + *problem);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(std::move(code));
  }
  *out = std::move(codes);
  return std::nullopt;
}

MaybeFieldError ReadBatch(simdjson::dom::element value, HookWriteMode mode, config::BatchSettings* batch) {
  simdjson::dom::object object;
  if (MaybeFieldError error = ReadObject(value, "batch", &object)) return error;
  // PUT and POST describe the whole batch: settings left out fall back to their defaults.
  if (mode != HookWriteMode::kPatch) *batch = config::BatchSettings{};
  for (const auto [key, member] : object) {
    const std::string field = FieldPath("batch", key);
    int64_t number = 0;
    if (key == "maxRecords") {
      if (MaybeFieldError error = ReadInt(member, field, 1, config::kMaxBatchRecords, &number)) return error;
      batch->max_records = static_cast<int>(number);
    } else if (key == "maxBytes") {
      if (MaybeFieldError error = ReadInt(member, field, 1, config::kMaxBatchBytes, &number)) return error;
      batch->max_bytes = number;
    } else if (key == "lingerMs") {
      if (MaybeFieldError error = ReadInt(member, field, 0, config::kMaxLingerMs, &number)) return error;
      batch->linger_ms = static_cast<int>(number);
    } else {
      return UnknownField(field);
    }
  }
  return std::nullopt;
}

MaybeFieldError ReadAggregation(simdjson::dom::element value, HookWriteMode mode,
                                config::AggregationSettings* aggregation) {
  simdjson::dom::object object;
  if (MaybeFieldError error = ReadObject(value, "aggregation", &object)) return error;
  if (mode != HookWriteMode::kPatch) *aggregation = config::AggregationSettings{};
  for (const auto [key, member] : object) {
    const std::string field = FieldPath("aggregation", key);
    if (key == "enabled") {
      if (MaybeFieldError error = ReadBool(member, field, &aggregation->enabled)) return error;
    } else if (key == "maxBytes") {
      if (MaybeFieldError error = ReadInt(member, field, config::kMinAggregationBytes,
                                          config::kMaxAggregationBytes, &aggregation->max_bytes)) {
        return error;
      }
    } else {
      return UnknownField(field);
    }
  }
  return std::nullopt;
}

MaybeFieldError ReadShardRate(simdjson::dom::element value, HookWriteMode mode,
                              config::ShardRateSettings* rate) {
  simdjson::dom::object object;
  if (MaybeFieldError error = ReadObject(value, "shardRate", &object)) return error;
  if (mode != HookWriteMode::kPatch) *rate = config::ShardRateSettings{};
  for (const auto [key, member] : object) {
    const std::string field = FieldPath("shardRate", key);
    if (key == "recordsPerSecond") {
      if (MaybeFieldError error =
              ReadInt(member, field, 1, config::kMaxShardRecordsPerSecond, &rate->records_per_second)) {
        return error;
      }
    } else if (key == "bytesPerSecond") {
      if (MaybeFieldError error = ReadInt(member, field, config::kMinShardBytesPerSecond,
                                          config::kMaxShardBytesPerSecond, &rate->bytes_per_second)) {
        return error;
      }
    } else {
      return UnknownField(field);
    }
  }
  return std::nullopt;
}

// 0 (no TTL) or kMinRecordTtlMs..kMaxRecordTtlMs: one message for both ways of being wrong.
MaybeFieldError ReadRecordTtl(simdjson::dom::element value, int64_t* ttl_ms) {
  int64_t number = 0;
  if (ReadInt(value, "recordTtlMs", 0, config::kMaxRecordTtlMs, &number).has_value() ||
      (number != 0 && number < config::kMinRecordTtlMs)) {
    return FieldError::Invalid(
        "recordTtlMs", "must be 0 (no TTL) or an integer from " + std::to_string(config::kMinRecordTtlMs) +
                           " to " + std::to_string(config::kMaxRecordTtlMs) + " (milliseconds)");
  }
  *ttl_ms = number;
  return std::nullopt;
}

// Applies one top-level member of a hook body to *hook.
MaybeFieldError ApplyMember(std::string_view key, simdjson::dom::element value, HookWriteMode mode,
                            config::Hook* hook) {
  std::string text;
  if (key == "id") {
    if (MaybeFieldError error = ReadString(value, "id", &text)) return error;
    if (mode == HookWriteMode::kCreate) {
      if (MaybeFieldError error = AsFieldError("id", config::CheckResourceId(text))) return error;
      hook->id = text;
    } else if (text != hook->id) {
      return FieldError::Invalid("id", "cannot be changed (it must match the id in the path)");
    }
  } else if (key == "name") {
    if (MaybeFieldError error = ReadString(value, "name", &text)) return error;
    if (MaybeFieldError error = AsFieldError("name", config::CheckName(text))) return error;
    hook->name = text;
  } else if (key == "type") {
    if (MaybeFieldError error = ReadString(value, "type", &text)) return error;
    if (Upper(text) != "KINESIS") return FieldError::Invalid("type", "must be \"KINESIS\"");
  } else if (key == "streamName") {
    if (MaybeFieldError error = ReadString(value, "streamName", &text)) return error;
    if (MaybeFieldError error = AsFieldError("streamName", config::CheckStreamName(text))) return error;
    hook->stream_name = text;
  } else if (key == "triggers") {
    return ReadTriggers(value, &hook->triggers);
  } else if (key == "eventCodes") {
    return ReadEventCodes(value, &hook->event_codes);
  } else if (key == "payloadFormat") {
    if (MaybeFieldError error = ReadString(value, "payloadFormat", &text)) return error;
    const std::optional<config::PayloadFormat> format = config::PayloadFormatFromName(Lower(text));
    if (!format) return FieldError::Invalid("payloadFormat", "must be \"segment\" or \"netmera\"");
    hook->payload_format = *format;
  } else if (key == "partitionKey") {
    if (MaybeFieldError error = ReadString(value, "partitionKey", &text)) return error;
    if (MaybeFieldError error = AsFieldError("partitionKey", config::CheckPartitionKey(text))) return error;
    hook->partition_key = text;
  } else if (key == "batch") {
    return ReadBatch(value, mode, &hook->batch);
  } else if (key == "aggregation") {
    return ReadAggregation(value, mode, &hook->aggregation);
  } else if (key == "recordTtlMs") {
    return ReadRecordTtl(value, &hook->record_ttl_ms);
  } else if (key == "shardRate") {
    return ReadShardRate(value, mode, &hook->shard_rate);
  } else if (key == "enabled") {
    return ReadBool(value, "enabled", &hook->enabled);
  } else if (key == "createdAt" || key == "updatedAt" || key == "status") {
    // Read-only: accepted so that a GET result can be edited and sent back as is.
  } else {
    return UnknownField(key);
  }
  return std::nullopt;
}

void WriteHookStatusJson(const config::HookStatus& status, JsonWriter* writer) {
  writer->BeginObject();
  writer->Key("state");
  writer->String(status.state);
  writer->Key("error");
  if (status.error.empty()) {
    writer->Null();
  } else {
    writer->String(status.error);
  }
  writer->Key("lagRecords");
  writer->Uint(status.lag_records);
  writer->Key("deadLetters");
  writer->Uint(status.dead_letters);
  writer->Key("lastDeliveredAt");
  if (status.last_delivered_at_ms == 0) {
    writer->Null();
  } else {
    writer->String(FormatIso8601Millis(status.last_delivered_at_ms));
  }
  writer->EndObject();
}

}  // namespace

MaybeFieldError ApplyHookJson(std::string_view body, HookWriteMode mode, config::Hook* hook) {
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

void WriteHookJson(const config::Hook& hook, JsonWriter* writer,
                   const std::optional<config::HookStatus>& status) {
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
  writer->String(config::PayloadFormatName(hook.payload_format));
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
  writer->Key("aggregation");
  writer->BeginObject();
  writer->Key("enabled");
  writer->Bool(hook.aggregation.enabled);
  writer->Key("maxBytes");
  writer->Int(hook.aggregation.max_bytes);
  writer->EndObject();
  writer->Key("recordTtlMs");
  writer->Int(hook.record_ttl_ms);
  writer->Key("shardRate");
  writer->BeginObject();
  writer->Key("recordsPerSecond");
  writer->Int(hook.shard_rate.records_per_second);
  writer->Key("bytesPerSecond");
  writer->Int(hook.shard_rate.bytes_per_second);
  writer->EndObject();
  writer->Key("enabled");
  writer->Bool(hook.enabled);
  writer->Key("createdAt");
  writer->String(FormatIso8601Millis(hook.created_at_ms));
  writer->Key("updatedAt");
  writer->String(FormatIso8601Millis(hook.updated_at_ms));
  if (status) {
    writer->Key("status");
    WriteHookStatusJson(*status, writer);
  }
  writer->EndObject();
}

}  // namespace streamhook::admin
