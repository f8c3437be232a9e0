// The plain request/response values the HTTP server hands to API handlers (ingest, admin, metrics).
// Handlers stay free of Boost.Beast so they can be unit-tested with literal requests.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamhook {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string, e.g. "/v1/track"
  std::string query;   // after '?', undecoded; empty when absent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote;  // peer address, for logs

  // The first header with this lower-case name, or an empty view.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, e.g. Retry-After
  std::string body;
};

// Handlers answer through this callback, possibly later and from another thread; exactly once.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Respond)>;

}  // namespace streamhook
