#include "server/router.h"

#include <algorithm>
#include <memory>

#include "server/json_error.h"

namespace streamhook::server {
namespace {

// Echoing an attacker-sized path into the 404 body would let a request amplify its own size.
constexpr size_t kMaxEchoedPath = 200;

}  // namespace

void Router::AddExact(std::string path, HttpHandler handler) {
  exact_.insert_or_assign(std::move(path), std::move(handler));
}

void Router::AddPrefix(std::string prefix, HttpHandler handler) {
  for (auto& [existing, existing_handler] : prefixes_) {
    if (existing == prefix) {
      existing_handler = std::move(handler);
      return;
    }
  }
  prefixes_.emplace_back(std::move(prefix), std::move(handler));
  std::stable_sort(prefixes_.begin(), prefixes_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

const HttpHandler* Router::Find(std::string_view path) const {
  if (auto it = exact_.find(path); it != exact_.end()) return &it->second;
  for (const auto& [prefix, handler] : prefixes_) {
    if (path.starts_with(prefix)) return &handler;
  }
  return nullptr;
}

void Router::Dispatch(const HttpRequest& request, Respond respond) const {
  if (const HttpHandler* handler = Find(request.path)) {
    (*handler)(request, std::move(respond));
    return;
  }
  std::string_view path = request.path;
  std::string message = "no route for " + request.method + " ";
  message.append(path.substr(0, kMaxEchoedPath));
  if (path.size() > kMaxEchoedPath) message.append("...");
  respond(JsonErrorResponse(404, "not_found", message));
}

HttpHandler Router::AsHandler() const {
  auto routes = std::make_shared<const Router>(*this);
  return [routes](const HttpRequest& request, Respond respond) {
    routes->Dispatch(request, std::move(respond));
  };
}

}  // namespace streamhook::server
