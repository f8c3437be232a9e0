#include "ingest/ingest_error.h"

#include "common/json_writer.h"

namespace streamhook::ingest {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnauthorized: return "unauthorized";
    case ErrorCode::kInvalidJson: return "invalid_json";
    case ErrorCode::kNotAnObject: return "not_an_object";
    case ErrorCode::kNoUserAnonId: return "no_user_anon_id";
    case ErrorCode::kMissingUserId: return "missing_user_id";
    case ErrorCode::kMissingPreviousId: return "missing_previous_id";
    case ErrorCode::kMissingEvent: return "missing_event";
    case ErrorCode::kMissingGroupId: return "missing_group_id";
    case ErrorCode::kInvalidType: return "invalid_type";
    case ErrorCode::kInvalidField: return "invalid_field";
    case ErrorCode::kMessageIdTooLong: return "message_id_too_long";
    case ErrorCode::kEventTooLarge: return "event_too_large";
    case ErrorCode::kBatchTooLarge: return "batch_too_large";
    case ErrorCode::kTooManyEvents: return "too_many_events";
    case ErrorCode::kMissingBatch: return "missing_batch";
    case ErrorCode::kMissingCode: return "missing_code";
    case ErrorCode::kNoUserId: return "no_user_id";
    case ErrorCode::kInvalidStatus: return "invalid_status";
    case ErrorCode::kInvalidTimestamp: return "invalid_timestamp";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kSpoolFull: return "spool_full";
    case ErrorCode::kInternal: return "internal_error";
    case ErrorCode::kCount: break;
  }
  return "unknown";
}

IngestError RequestError(int http_status, ErrorCode code, std::string message) {
  return IngestError{.http_status = http_status, .code = code, .message = std::move(message), .index = {}};
}

IngestError ItemError(std::string_view list_name, size_t index, ErrorCode code, std::string_view reason) {
  IngestError error{.http_status = 400, .code = code, .message = {}, .index = index};
  error.message.append(list_name).append("[").append(std::to_string(index)).append("]: ").append(reason);
  return error;
}

HttpResponse ErrorResponse(const IngestError& error) {
  HttpResponse response;
  response.status = error.http_status;
  JsonWriter w(&response.body);
  w.BeginObject();
  w.Key("success");
  w.Bool(false);
  w.Key("code");
  w.String(ErrorCodeName(error.code));
  w.Key("message");
  w.String(error.message);
  if (error.index) {
    w.Key("index");
    w.Uint(*error.index);
  }
  w.EndObject();
  if (error.http_status == 405) response.headers.emplace_back("Allow", "POST");
  return response;
}

HttpResponse SuccessResponse() {
  HttpResponse response;
  response.body = R"({"success":true})";
  return response;
}

}  // namespace streamhook::ingest
