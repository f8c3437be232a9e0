// The JSON error body every streamhook API answers with:
//   {"success":false,"code":"not_found","message":"no route for GET /x"}
// `code` is a stable machine-readable word; `message` tells a person what to change.
#pragma once

#include <string>
#include <string_view>

#include "common/http_types.h"

namespace streamhook::server {

// The error body alone (no trailing newline).
std::string JsonErrorBody(std::string_view code, std::string_view message);

// A complete response with that body and Content-Type application/json.
HttpResponse JsonErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace streamhook::server
