#include "admin/json_fields.h"

namespace streamhook::admin {

FieldError FieldError::Invalid(std::string_view field, std::string_view problem) {
  return FieldError{"invalid_field", std::string(field), std::string(field) + " " + std::string(problem)};
}

std::string FieldPath(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  return std::string(prefix) + "." + std::string(key);
}

namespace {

// simdjson keeps every member of an object, so a repeated key would silently mean "the last one
// wins" in some clients and "the first" in others; refuse it instead.
MaybeFieldError CheckNoRepeatedKeys(simdjson::dom::object object, std::string_view prefix) {
  std::set<std::string_view> seen;
  for (const simdjson::dom::key_value_pair member : object) {
    if (!seen.insert(member.key).second) {
      return FieldError::Invalid(FieldPath(prefix, member.key), "appears more than once");
    }
  }
  return std::nullopt;
}

}  // namespace

MaybeFieldError ParseJsonObject(simdjson::dom::parser& parser, std::string_view body,
                                simdjson::dom::object* object) {
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) {
    return FieldError{"invalid_json", "", "the request body is not valid JSON"};
  }
  if (root.get_object().get(*object) != simdjson::SUCCESS) {
    return FieldError{"invalid_json", "", "the request body must be a JSON object"};
  }
  return CheckNoRepeatedKeys(*object, "");
}

MaybeFieldError ReadObject(simdjson::dom::element value, std::string_view field, simdjson::dom::object* out) {
  if (value.get_object().get(*out) != simdjson::SUCCESS)
    return FieldError::Invalid(field, "must be an object");
  return CheckNoRepeatedKeys(*out, field);
}

MaybeFieldError ReadString(simdjson::dom::element value, std::string_view field, std::string* out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS)
    return FieldError::Invalid(field, "must be a string");
  *out = std::string(text);
  return std::nullopt;
}

MaybeFieldError ReadBool(simdjson::dom::element value, std::string_view field, bool* out) {
  if (value.get_bool().get(*out) != simdjson::SUCCESS)
    return FieldError::Invalid(field, "must be true or false");
  return std::nullopt;
}

MaybeFieldError ReadInt(simdjson::dom::element value, std::string_view field, int64_t min, int64_t max,
                        int64_t* out) {
  const std::string range = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  int64_t number = 0;
  if (value.get_int64().get(number) != simdjson::SUCCESS || number < min || number > max) {
    return FieldError::Invalid(field, range);
  }
  *out = number;
  return std::nullopt;
}

MaybeFieldError AsFieldError(std::string_view field, const config::Problem& problem) {
  if (!problem) return std::nullopt;
  return FieldError::Invalid(field, *problem);
}

FieldError MissingField(std::string_view field) {
  return FieldError::Invalid(field, "is required");
}

FieldError UnknownField(std::string_view field) {
  return FieldError::Invalid(field, "is not a known field");
}

}  // namespace streamhook::admin
