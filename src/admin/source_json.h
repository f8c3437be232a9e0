// Sources as the admin API reads and writes them: {id, name, writeKey, createdAt}. The write key
// is shown in full only in the answer to the POST that created it; every later read masks it.
#pragma once

#include <string_view>

#include "admin/json_fields.h"
#include "common/json_writer.h"
#include "config/model.h"

namespace streamhook::admin {

// Parses a POST body {name, writeKey?} into *source (write_key stays empty when not given).
MaybeFieldError ParseSourceJson(std::string_view body, config::Source* source);

enum class WriteKeyDisplay { kMasked, kFull };

// Writes the source as one JSON object value.
void WriteSourceJson(const config::Source& source, WriteKeyDisplay display, JsonWriter* writer);

}  // namespace streamhook::admin
