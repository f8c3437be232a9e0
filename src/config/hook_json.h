// Hooks as the admin API reads and writes them:
//   {id, name, type: "KINESIS", streamName, triggers: [...], eventCodes: [...],
//    payloadFormat: "segment"|"netmera", partitionKey, batch: {maxRecords, maxBytes, lingerMs},
//    enabled, createdAt, updatedAt}
#pragma once

#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "config/json_fields.h"
#include "config/model.h"

namespace streamhook::config {

enum class HookWriteMode {
  kCreate,   // POST: name, streamName, triggers required; an id may be chosen
  kReplace,  // PUT: as kCreate, fields left out get their defaults; id fixed by the path
  kPatch,    // PATCH: only the fields present change
};

// Applies the JSON object in `body` to *hook, validating every field. For kCreate and kReplace
// pass a default Hook (with the path's id for kReplace); for kPatch the stored one. createdAt and
// updatedAt are accepted and ignored so a GET result can be sent back; an "id" must match.
MaybeFieldError ApplyHookJson(std::string_view body, HookWriteMode mode, Hook* hook);

// Writes the hook as one JSON object value.
void WriteHookJson(const Hook& hook, JsonWriter* writer);

}  // namespace streamhook::config
