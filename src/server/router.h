// Router: picks the handler for a request by its path, so one HttpServer serves every API.
//
// Exact routes ("/metrics", "/healthz") are tried first, then prefix routes ("/v1/",
// "/admin/v1/"), longest prefix first. Anything else is answered 404 with the JSON error body.
// Methods are the handlers' business: a route matches whatever the method.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/http_types.h"

namespace streamhook::server {

class Router {
 public:
  // Routes requests whose path equals `path`. A later call for the same path replaces the handler.
  void AddExact(std::string path, HttpHandler handler);
  // Routes requests whose path starts with `prefix` (e.g. "/v1/"), unless an exact route or a
  // longer prefix matches. A later call for the same prefix replaces the handler.
  void AddPrefix(std::string prefix, HttpHandler handler);

  // The handler for `path`, or nullptr when no route matches.
  const HttpHandler* Find(std::string_view path) const;

  // Hands the request to its handler, or answers 404 {"success":false,"code":"not_found",...}.
  void Dispatch(const HttpRequest& request, Respond respond) const;

  // A handler for HttpServer holding a copy of the routes as they are now.
  HttpHandler AsHandler() const;

 private:
  std::map<std::string, HttpHandler, std::less<>> exact_;
  std::vector<std::pair<std::string, HttpHandler>> prefixes_;  // longest first
};

}  // namespace streamhook::server
