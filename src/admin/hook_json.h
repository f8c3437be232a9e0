// Hooks as the admin API reads and writes them:
//   {id, name, type: "KINESIS", streamName, triggers: [...], eventCodes: [...],
//    payloadFormat: "segment"|"netmera", partitionKey, batch: {maxRecords, maxBytes, lingerMs},
//    aggregation: {enabled, maxBytes}, recordTtlMs, shardRate: {recordsPerSecond, bytesPerSecond},
//    enabled, createdAt, updatedAt, status?}
// status (delivery's HookStatus) is read-only and only present when the server provides one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "admin/json_fields.h"
#include "common/json_writer.h"
#include "config/hook_status.h"
#include "config/model.h"

namespace streamhook::admin {

enum class HookWriteMode {
  kCreate,   // POST: name, streamName, triggers required; an id may be chosen
  kReplace,  // PUT: as kCreate, fields left out get their defaults; id fixed by the path
  kPatch,    // PATCH: only the fields present change
};

// Applies the JSON object in `body` to *hook, validating every field. For kCreate and kReplace
// pass a default Hook (with the path's id for kReplace); for kPatch the stored one. The nested
// settings (batch, aggregation, shardRate) follow the mode too: in kPatch the sub-fields left out
// are kept, otherwise they get their defaults. createdAt, updatedAt and status are accepted and
// ignored so a GET result can be sent back; an "id" must match.
MaybeFieldError ApplyHookJson(std::string_view body, HookWriteMode mode, config::Hook* hook);

// Writes the hook as one JSON object value, with "status" when `status` holds one.
void WriteHookJson(const config::Hook& hook, JsonWriter* writer,
                   const std::optional<config::HookStatus>& status = std::nullopt);

}  // namespace streamhook::admin
