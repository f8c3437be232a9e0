// The response shapes the admin API shares: JSON bodies, the error envelope, and the mapping from
// a Status to an HTTP status and error code.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "admin/json_fields.h"
#include "common/http_types.h"
#include "common/json_writer.h"
#include "common/status.h"

namespace streamhook::admin {

// `status` with a JSON body.
HttpResponse JsonResponse(int status, std::string body);

// `status` with the JSON that write(JsonWriter*) produces.
template <typename Write>
HttpResponse JsonOf(int status, Write write) {
  std::string body;
  JsonWriter writer(&body);
  write(&writer);
  return JsonResponse(status, std::move(body));
}

// {"success":false,"code":code,"message":message}, plus "field" when not empty.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view field = {});

// 400 invalid_json / invalid_field for a request body problem.
HttpResponse FieldErrorResponse(const FieldError& error);

// NotFound -> 404 not_found, AlreadyExists -> 409 conflict, InvalidArgument -> 400 invalid_request,
// Unavailable -> 503 unavailable, anything else -> 500 internal (and logged).
HttpResponse StatusResponse(const Status& status);

// 405 with an Allow header listing `allowed` (e.g. "GET, PUT").
HttpResponse MethodNotAllowed(std::string_view allowed);

// 204 with no body.
HttpResponse NoContent();

}  // namespace streamhook::admin
