#include "ingest/json_scan.h"

#include <cstring>

namespace streamhook::ingest {
namespace {

using simdjson::error_code;
using simdjson::SUCCESS;
namespace ondemand = simdjson::ondemand;

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// On Demand's token for a scalar runs up to the next structural character, so it may carry
// trailing whitespace.
std::string_view TrimTrailingSpace(std::string_view token) {
  while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
  return token;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

error_code ReadObject(ondemand::value& value, int depth, std::vector<RawField>* members, JsonValue* out) {
  const char* start = value.raw_json_token().data();
  ondemand::object object;
  if (auto error = value.get_object().get(object)) return error;
  if (members != nullptr) out->members_begin = static_cast<uint32_t>(members->size());
  auto error = ForEachField(
      object, [&](std::string_view key, const char* member_start, ondemand::value& member) -> error_code {
        JsonValue child;
        if (auto child_error = ReadValue(member, depth + 1, /*unescape=*/false, nullptr, &child)) {
          return child_error;
        }
        if (members != nullptr) {
          const char* member_end = child.raw.data() + child.raw.size();
          members->push_back({key, std::string_view(member_start, member_end - member_start)});
        }
        return SUCCESS;
      });
  if (error) return error;
  if (members != nullptr) out->members_end = static_cast<uint32_t>(members->size());
  out->kind = JsonKind::kObject;
  return SpanToCurrent(value, start).get(out->raw);
}

error_code ReadArray(ondemand::value& value, int depth, JsonValue* out) {
  const char* start = value.raw_json_token().data();
  ondemand::array array;
  if (auto error = value.get_array().get(array)) return error;
  for (auto element : array) {
    ondemand::value item;
    if (auto error = std::move(element).get(item)) return error;
    JsonValue ignored;
    if (auto error = ReadValue(item, depth + 1, /*unescape=*/false, nullptr, &ignored)) return error;
  }
  out->kind = JsonKind::kArray;
  return SpanToCurrent(value, start).get(out->raw);
}

}  // namespace

simdjson::simdjson_result<std::string_view> SpanToCurrent(ondemand::value& value, const char* start) {
  const char* next = nullptr;
  if (auto error = value.current_location().get(next)) return error;
  while (next > start && IsJsonSpace(next[-1])) --next;
  return std::string_view(start, static_cast<size_t>(next - start));
}

error_code ReadValue(ondemand::value& value, int depth, bool unescape, std::vector<RawField>* members,
                     JsonValue* out) {
  ondemand::json_type type;
  if (auto error = value.type().get(type)) return error;
  switch (type) {
    case ondemand::json_type::object:
      if (depth >= kMaxJsonDepth) return simdjson::DEPTH_ERROR;
      return ReadObject(value, depth, members, out);
    case ondemand::json_type::array:
      if (depth >= kMaxJsonDepth) return simdjson::DEPTH_ERROR;
      return ReadArray(value, depth, out);
    case ondemand::json_type::string: {
      out->kind = JsonKind::kString;
      out->raw = TrimTrailingSpace(value.raw_json_token());
      if (unescape) return value.get_string().get(out->text);
      // Stage 1 already checked UTF-8 and control characters; only escapes remain to check, and
      // most strings have none. The string must be consumed either way: On Demand's skipping
      // would take an unconsumed string followed by ':' for a key and miss the syntax error.
      if (std::memchr(out->raw.data(), '\\', out->raw.size()) == nullptr) {
        return value.get_raw_json_string().error();
      }
      std::string_view ignored;
      return value.get_string().get(ignored);
    }
    case ondemand::json_type::number:
      out->kind = JsonKind::kNumber;
      out->raw = out->text = TrimTrailingSpace(value.raw_json_token());
      // get_number checks the grammar and the range in one pass. The range matters because later
      // stages (netmera payloads, partition-key pointers, profiles) read stored events with
      // simdjson's DOM, which refuses integers beyond 64 bits and numbers beyond a double: such an
      // event would be acknowledged and then never built. Refuse it here, where the client learns
      // why; the grammar check only tells the two refusals apart.
      if (ondemand::number number; value.get_number().get(number) != SUCCESS) {
        return IsJsonNumber(out->raw) ? simdjson::NUMBER_OUT_OF_RANGE : simdjson::NUMBER_ERROR;
      }
      return SUCCESS;
    case ondemand::json_type::boolean:
      out->kind = JsonKind::kBool;
      out->raw = TrimTrailingSpace(value.raw_json_token());
      if (out->raw == "true" || out->raw == "false") return SUCCESS;
      return out->raw.front() == 't' ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
    case ondemand::json_type::null:
      out->kind = JsonKind::kNull;
      out->raw = TrimTrailingSpace(value.raw_json_token());
      return out->raw == "null" ? SUCCESS : simdjson::N_ATOM_ERROR;
  }
  return simdjson::TAPE_ERROR;
}

bool IsJsonNumber(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (IsDigit(text[i])) {
    while (i < n && IsDigit(text[i])) ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(text[i])) return false;
    while (i < n && IsDigit(text[i])) ++i;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    if (i >= n || !IsDigit(text[i])) return false;
    while (i < n && IsDigit(text[i])) ++i;
  }
  return i == n;
}

simdjson::padded_string_view PaddedBody(const std::string& body) {
  if (body.capacity() - body.size() >= simdjson::SIMDJSON_PADDING) {
    return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
  }
  thread_local std::string copy;
  copy.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  copy.assign(body);
  return simdjson::padded_string_view(copy.data(), copy.size(), copy.capacity());
}

ondemand::parser& ThreadParser() {
  thread_local ondemand::parser parser;
  return parser;
}

}  // namespace streamhook::ingest
