#include "ingest/request_scan.h"

#include <string>

#include "common/time_format.h"

namespace streamhook::ingest {
namespace {

using simdjson::error_code;
using simdjson::SUCCESS;
namespace ondemand = simdjson::ondemand;

IngestError JsonError(error_code error) {
  std::string message;
  if (error == simdjson::EMPTY) {
    message = "the body is empty; send a JSON object";
  } else if (error == simdjson::NUMBER_OUT_OF_RANGE) {
    message =
        "a number in the body is out of range: integers must fit in 64 bits and other numbers in a "
        "double; send larger values as strings";
  } else {
    message = std::string("the body is not valid JSON: ") + simdjson::error_message(error);
  }
  return RequestError(400, ErrorCode::kInvalidJson, std::move(message));
}

IngestError NotAnObject(std::string_view what) {
  return RequestError(400, ErrorCode::kNotAnObject, std::string(what));
}

// Scans the items of a batch / event / log array (at nesting level `depth`).
error_code ScanItems(ondemand::array& array, int depth, const MessageSchema& schema, size_t max_items,
                     ScanArena* arena, ScannedBody* out) {
  for (auto element : array) {
    if (arena->messages.size() == max_items) {
      // Stop here: the answer is too_many_events whatever follows, and On Demand skips the
      // remaining items cheaply while the caller looks for the top-level writeKey.
      out->too_many = true;
      return SUCCESS;
    }
    ondemand::value item;
    if (auto error = std::move(element).get(item)) return error;
    ScannedMessage& message = arena->messages.emplace_back();
    const char* start = item.raw_json_token().data();
    ondemand::json_type type;
    if (auto error = item.type().get(type)) return error;
    if (type != ondemand::json_type::object) {
      JsonValue value;
      if (auto error = ReadValue(item, depth + 1, /*unescape=*/false, nullptr, &value)) return error;
      message.kind = value.kind;
      message.raw = value.raw;
      continue;
    }
    if (depth + 1 >= kMaxJsonDepth) return simdjson::DEPTH_ERROR;
    ondemand::object object;
    if (auto error = item.get_object().get(object)) return error;
    if (auto error = ScanMessage(object, schema, depth + 1, arena, &message)) return error;
    if (auto error = SpanToCurrent(item, start).get(message.raw)) return error;
  }
  return SUCCESS;
}

// The top level of {"batch"|"events"|"logs": [...], "writeKey":..., ...}.
error_code ScanListObject(ondemand::object& root, std::string_view list_key, const MessageSchema& schema,
                          size_t max_items, ScanArena* arena, ScannedBody* out) {
  return ForEachField(root, [&](std::string_view key, const char*, ondemand::value& value) -> error_code {
    if (key == list_key) {
      ondemand::json_type type;
      if (auto error = value.type().get(type)) return error;
      if (type == ondemand::json_type::array) {
        ondemand::array array;
        if (auto error = value.get_array().get(array)) return error;
        out->has_list = true;
        return ScanItems(array, /*depth=*/1, schema, max_items, arena, out);
      }
      JsonValue ignored;  // not an array: reported as missing_batch, but must still be valid JSON
      return ReadValue(value, 1, false, nullptr, &ignored);
    }
    JsonValue* target = key == "writeKey"       ? &out->write_key
                        : key == "sentAt"       ? &out->sent_at
                        : key == "context"      ? &out->context
                        : key == "integrations" ? &out->integrations
                                                : nullptr;
    JsonValue ignored;
    const bool collect = target == &out->context || target == &out->integrations;
    return ReadValue(value, 1, /*unescape=*/true, collect ? &arena->members : nullptr,
                     target != nullptr ? target : &ignored);
  });
}

std::string_view ListKey(BodyShape shape) {
  switch (shape) {
    case BodyShape::kBatch: return "batch";
    case BodyShape::kEventList: return "events";
    case BodyShape::kLogList: return "logs";
    case BodyShape::kSingle: break;
  }
  return {};
}

error_code ScanRoot(ondemand::document& doc, BodyShape shape, const MessageSchema& schema, size_t max_items,
                    ScanArena* arena, ScannedBody* out, std::optional<IngestError>* shape_error) {
  ondemand::json_type type;
  if (auto error = doc.type().get(type)) return error;
  if (type == ondemand::json_type::array &&
      (shape == BodyShape::kEventList || shape == BodyShape::kLogList)) {
    ondemand::array array;
    if (auto error = doc.get_array().get(array)) return error;
    out->has_list = true;
    return ScanItems(array, /*depth=*/0, schema, max_items, arena, out);
  }
  if (type != ondemand::json_type::object) {
    *shape_error = NotAnObject(shape == BodyShape::kEventList || shape == BodyShape::kLogList
                                   ? "the body must be a JSON array or object"
                                   : "the body must be a JSON object");
    return SUCCESS;
  }
  ondemand::object root;
  if (auto error = doc.get_object().get(root)) return error;
  if (shape != BodyShape::kSingle) return ScanListObject(root, ListKey(shape), schema, max_items, arena, out);
  ScannedMessage& message = arena->messages.emplace_back();
  if (auto error = ScanMessage(root, schema, /*depth=*/0, arena, &message)) return error;
  if (schema.write_key_slot >= 0) out->write_key = message.known[schema.write_key_slot];
  return SUCCESS;
}

}  // namespace

std::optional<IngestError> ScanBody(simdjson::padded_string_view body, BodyShape shape,
                                    const MessageSchema& item_schema, size_t max_items, ScanArena* arena,
                                    ScannedBody* out) {
  arena->Clear();
  ondemand::document doc;
  if (auto error = ThreadParser().iterate(body).get(doc)) return JsonError(error);
  std::optional<IngestError> shape_error;
  if (auto error = ScanRoot(doc, shape, item_schema, max_items, arena, out, &shape_error)) {
    return JsonError(error);
  }
  if (shape_error) return shape_error;
  if (!out->too_many) {
    // On Demand stops where the caller stops reading; anything after the root value is an error.
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == SUCCESS) return JsonError(simdjson::TRAILING_CONTENT);
  }
  if (shape == BodyShape::kSingle) arena->messages.front().raw = std::string_view(body.data(), body.size());
  if (out->sent_at.is_string()) out->sent_at_ms = ParseIso8601Millis(out->sent_at.text);
  return std::nullopt;
}

}  // namespace streamhook::ingest
