// Sources as the admin API reads and writes them: {id, name, writeKey, createdAt}. The write key
// is shown in full only in the answer to the POST that created it; every later read masks it.
#pragma once

#include <string_view>

#include "common/json_writer.h"
#include "config/json_fields.h"
#include "config/model.h"

namespace streamhook::config {

// Parses a POST body {name, writeKey?} into *source (write_key stays empty when not given).
MaybeFieldError ParseSourceJson(std::string_view body, Source* source);

enum class WriteKeyDisplay { kMasked, kFull };

// Writes the source as one JSON object value.
void WriteSourceJson(const Source& source, WriteKeyDisplay display, JsonWriter* writer);

}  // namespace streamhook::config
