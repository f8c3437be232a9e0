// IngestError: why a tracking request was refused, as the client sees it (HTTP status, a stable
// machine-readable code, a message a person can act on) and as the metrics count it (by code).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/http_types.h"

namespace streamhook::ingest {

// Every reason a request can be refused. The names (ErrorCodeName) are part of the API: clients
// match on them and they label streamhook_requests_rejected_total.
enum class ErrorCode : uint8_t {
  kUnauthorized,       // 401: no write key, or one that names no source
  kInvalidJson,        // 400: the body (or an item) is not valid JSON
  kNotAnObject,        // 400: the body or a batch item is not a JSON object
  kNoUserAnonId,       // 400: neither userId nor anonymousId
  kMissingUserId,      // 400: alias without userId
  kMissingPreviousId,  // 400: alias without previousId
  kMissingEvent,       // 400: track without a string `event`
  kMissingGroupId,     // 400: group without groupId
  kInvalidType,        // 400: a batch item's `type` is not a tracking call
  kInvalidField,       // 400: a known field has the wrong JSON type
  kMessageIdTooLong,   // 400: messageId (or a log's id) longer than the limit
  kEventTooLarge,      // 400 for a batch item, 413 for a single call's body
  kBatchTooLarge,      // 413: batch body over the limit
  kTooManyEvents,      // 400: more items than the limit
  kMissingBatch,       // 400: no `batch` / `events` / `logs` array
  kMissingCode,        // 400: Netmera event without a string `code`
  kNoUserId,           // 400: Netmera event / log without userId (or extId)
  kInvalidStatus,      // 400: message log status not in the allowed set
  kInvalidTimestamp,   // 400: a Netmera timestamp/time that is not ISO 8601
  kNotFound,           // 404: no such endpoint
  kMethodNotAllowed,   // 405: not POST
  kSpoolFull,          // 503: the sink is full; retry later
  kInternal,           // 500: the sink failed
  kCount,              // not a code: the number of codes
};

inline constexpr size_t kErrorCodeCount = static_cast<size_t>(ErrorCode::kCount);

// "unauthorized", "invalid_json", ...: the `code` field of error responses.
std::string_view ErrorCodeName(ErrorCode code);

struct IngestError {
  int http_status = 400;
  ErrorCode code = ErrorCode::kInvalidJson;
  std::string message;          // never contains a write key
  std::optional<size_t> index;  // the offending item of a batch / event list / log list
};

// An error about the whole request.
IngestError RequestError(int http_status, ErrorCode code, std::string message);
// A 400 error for an item (index set, message prefixed with e.g. "batch[3]: ").
IngestError ItemError(std::string_view list_name, size_t index, ErrorCode code, std::string_view reason);

// {"success":false,"code":"...","message":"..."[,"index":n]} with the error's status; 405 adds
// Allow: POST.
HttpResponse ErrorResponse(const IngestError& error);
// 200 {"success":true}.
HttpResponse SuccessResponse();

}  // namespace streamhook::ingest
