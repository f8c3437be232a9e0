// JSON scanning on top of simdjson On Demand: each value is validated completely and located
// exactly in the input, so ingest can copy clients' JSON byte for byte instead of re-serializing it.
//
// On Demand only checks what it is asked for (a skipped `nul` or a number like `1.2.3` would pass
// through); ReadValue therefore walks every nested value once, which also yields each value's
// exact text. Strings are unescaped only where ingest needs their value (ids, names, times).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace streamhook::ingest {

enum class JsonKind : uint8_t { kMissing, kNull, kBool, kNumber, kString, kObject, kArray };

// One scanned value. Views point into the request body and the parser's string buffer, so they
// live until the thread's next parse.
struct JsonValue {
  JsonKind kind = JsonKind::kMissing;
  std::string_view raw;        // the value's exact JSON text, e.g. "\"a\\nb\"", 12, {"x":1}
  std::string_view text;       // strings read with unescape: the unescaped text; numbers: their digits
  uint32_t members_begin = 0;  // object members collected into a RawField list, when asked for
  uint32_t members_end = 0;

  // Neither missing nor null.
  bool present() const { return kind != JsonKind::kMissing && kind != JsonKind::kNull; }
  bool is_string() const { return kind == JsonKind::kString; }
  bool is_object() const { return kind == JsonKind::kObject; }
  // Ids may be strings or numbers: their text, else empty.
  std::string_view IdText() const {
    return kind == JsonKind::kString || kind == JsonKind::kNumber ? text : std::string_view();
  }
  // A string's text, else empty.
  std::string_view StringText() const { return kind == JsonKind::kString ? text : std::string_view(); }
};

// One member of an object: its unescaped key, and the member exactly as sent (`"key": value`).
struct RawField {
  std::string_view key;
  std::string_view raw;
};

// Deeper nesting is refused: it keeps the recursive walk's stack use bounded for any input.
inline constexpr int kMaxJsonDepth = 128;

// Validates `value` and everything in it, filling *out. Strings are unescaped into out->text only
// when `unescape`. When `members` is given and the value is an object, its members are appended to
// *members and out->members_begin/end index them. `depth` is the value's nesting level (root = 0).
simdjson::error_code ReadValue(simdjson::ondemand::value& value, int depth, bool unescape,
                               std::vector<RawField>* members, JsonValue* out);

// Calls on_field(std::string_view key, const char* member_start, ondemand::value& value) for each
// member of `object`, in order; member_start is where the member's key begins (its opening quote).
// on_field must consume the value (e.g. with ReadValue) and returns an error_code; the first error
// stops the walk.
template <typename OnField>
simdjson::error_code ForEachField(simdjson::ondemand::object& object, OnField&& on_field) {
  for (auto member : object) {
    simdjson::ondemand::field field;
    if (auto error = std::move(member).get(field)) return error;
    const char* member_start = field.key().raw() - 1;
    std::string_view key;
    if (auto error = field.unescaped_key().get(key)) return error;
    if (auto error = on_field(key, member_start, field.value())) return error;
  }
  return simdjson::SUCCESS;
}

// The text from `start` to the end of the value the iterator just finished, whitespace excluded.
// Valid only for a value that is not the document's last token (inside an object or array).
simdjson::simdjson_result<std::string_view> SpanToCurrent(simdjson::ondemand::value& value,
                                                          const char* start);

// True when `text` is a JSON number by the RFC 8259 grammar (its magnitude is not checked here).
bool IsJsonNumber(std::string_view text);

// A padded view of `body` for simdjson: the body itself when its string has spare capacity for
// SIMDJSON_PADDING, else a copy in a per-thread buffer (the server can reserve the padding to
// avoid the copy).
simdjson::padded_string_view PaddedBody(const std::string& body);

// The per-thread parser: reused so its buffers are allocated once.
simdjson::ondemand::parser& ThreadParser();

}  // namespace streamhook::ingest
