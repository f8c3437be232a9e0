// Conversion between Beast messages and the plain HttpRequest/HttpResponse handlers see.
// Internal to src/server. Bodies are moved, never copied: they are the bulk of every request.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "common/http_types.h"

namespace streamhook::server {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Fills *out from `message` (whose body is moved out): the target split at '?', header names
// lower-cased. *out is reused from the previous request so its strings keep their capacity.
void FillHttpRequest(BeastRequest& message, const std::string& remote, HttpRequest* out);

// Builds the wire response: status, Server, Content-Type, Content-Length and the handler's extra
// headers. Extra headers with CR or LF (header injection) and ones the server owns are skipped.
// For HEAD the body is dropped but Content-Length still tells its size. A status outside
// 100..599 becomes 500.
void FillBeastResponse(HttpResponse&& response, unsigned version, bool keep_alive, bool head_request,
                       BeastResponse* out);

}  // namespace streamhook::server
