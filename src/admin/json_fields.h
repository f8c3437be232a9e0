// Reading admin API request bodies with simdjson: typed field access that reports the first
// problem as a FieldError naming the field ("batch.maxRecords"), which the API turns into a 400.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "config/validation.h"

namespace streamhook::admin {

struct FieldError {
  std::string code;     // "invalid_json" or "invalid_field"
  std::string field;    // dotted path of the offending field; empty for invalid_json
  std::string message;  // starts with the field name, says what is expected

  // A FieldError for `field` with message "<field> <problem>".
  static FieldError Invalid(std::string_view field, std::string_view problem);
};

using MaybeFieldError = std::optional<FieldError>;

// Parses `body` as a JSON object into *object (which borrows from `parser`). invalid_json when
// the body is not JSON or not an object; invalid_field when a key appears twice.
MaybeFieldError ParseJsonObject(simdjson::dom::parser& parser, std::string_view body,
                                simdjson::dom::object* object);
// A nested object field (e.g. "batch"): must be an object without repeated keys.
MaybeFieldError ReadObject(simdjson::dom::element value, std::string_view field, simdjson::dom::object* out);

// Joins a parent path and a key: ("batch", "maxRecords") -> "batch.maxRecords".
std::string FieldPath(std::string_view prefix, std::string_view key);

// Typed reads; each fails with "<field> must be a ...".
MaybeFieldError ReadString(simdjson::dom::element value, std::string_view field, std::string* out);
MaybeFieldError ReadBool(simdjson::dom::element value, std::string_view field, bool* out);
// An integer in [min, max] (no fractions, no exponents).
MaybeFieldError ReadInt(simdjson::dom::element value, std::string_view field, int64_t min, int64_t max,
                        int64_t* out);

// Turns a validation Problem for `field` into a FieldError.
MaybeFieldError AsFieldError(std::string_view field, const config::Problem& problem);

// "<field> is required".
FieldError MissingField(std::string_view field);
// "<field> is not a known field".
FieldError UnknownField(std::string_view field);

}  // namespace streamhook::admin
