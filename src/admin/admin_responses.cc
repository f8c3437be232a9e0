#include "admin/admin_responses.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "common/json_writer.h"

namespace streamhook::admin {

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view field) {
  std::string body;
  JsonWriter writer(&body);
  writer.BeginObject();
  writer.Key("success");
  writer.Bool(false);
  writer.Key("code");
  writer.String(code);
  if (!field.empty()) {
    writer.Key("field");
    writer.String(field);
  }
  writer.Key("message");
  writer.String(message);
  writer.EndObject();
  return JsonResponse(status, std::move(body));
}

HttpResponse FieldErrorResponse(const FieldError& error) {
  return ErrorResponse(400, error.code, error.message, error.field);
}

HttpResponse StatusResponse(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNotFound: return ErrorResponse(404, "not_found", status.message());
    case Status::Code::kAlreadyExists: return ErrorResponse(409, "conflict", status.message());
    case Status::Code::kInvalidArgument: return ErrorResponse(400, "invalid_request", status.message());
    case Status::Code::kUnavailable: return ErrorResponse(503, "unavailable", status.message());
    default:
      spdlog::error("admin API: {}", status.ToString());
      return ErrorResponse(500, "internal", status.message());
  }
}

HttpResponse MethodNotAllowed(std::string_view allowed) {
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed", "this path accepts " + std::string(allowed));
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

HttpResponse NoContent() {
  HttpResponse response;
  response.status = 204;
  return response;
}

}  // namespace streamhook::admin
