// AdminApi: the HTTP handler for /admin/v1/* (connector, hooks, sources, a hook's dead letters),
// over a ConfigStore, plus optional views into delivery (hook status, dead letters).
//
// Every request needs "Authorization: Bearer <admin token>" (else 401). Answers are JSON;
// errors look like {"success":false,"code":"invalid_field","field":"batch.maxRecords","message":...}
// with code one of unauthorized, not_found, method_not_allowed, invalid_json, invalid_field,
// invalid_parameter (a query parameter, named in "field"), conflict, unavailable, not_implemented,
// internal. Secrets are masked in every answer except the 201 of POST /admin/v1/sources, which
// shows the new write key once.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/http_types.h"
#include "config/config_store.h"
#include "config/dead_letter_admin.h"
#include "config/hook_status.h"

namespace streamhook::admin {

class AdminApi {
 public:
  static constexpr std::string_view kPathPrefix = "/admin/v1/";

  // `store` must outlive the AdminApi. Only a digest of `admin_token` is kept.
  AdminApi(config::ConfigStore* store, std::string_view admin_token);

  // Where GET /admin/v1/hooks[/{id}] gets each hook's read-only "status"; without one (or when it
  // returns nullopt for a hook) the status is left out. Call before serving requests.
  void SetHookStatusSource(config::HookStatusSource source);

  // Serves /admin/v1/hooks/{id}/dead-letters[...] with `dead_letters`, which must outlive the
  // AdminApi; without one those paths answer 501 not_implemented. Call before serving requests.
  void SetDeadLetterAdmin(config::DeadLetterAdmin* dead_letters);

  // Answers one request (synchronously; store calls block briefly on SQLite).
  HttpResponse Serve(const HttpRequest& request) const;

  // The HttpHandler form for the server's router; responds before returning. The handler refers
  // to this AdminApi, which must outlive it.
  HttpHandler AsHandler() const;

 private:
  bool Authorized(const HttpRequest& request) const;
  HttpResponse ServeConnector(const HttpRequest& request) const;
  HttpResponse ServeHooks(const HttpRequest& request) const;
  HttpResponse ServeHook(const HttpRequest& request, std::string_view id) const;
  // The status to show with a hook, when there is a source for it.
  std::optional<config::HookStatus> StatusOf(std::string_view hook_id) const;
  // segments: "dead-letters" and what follows it in the path (admin_dead_letters.cc).
  HttpResponse ServeDeadLetters(const HttpRequest& request, std::string_view hook_id,
                                std::span<const std::string_view> segments) const;
  // Before DELETE /admin/v1/hooks/{id}: the hook's dead letters would be unreachable once it is
  // gone, so a hook that has some is refused (409 has_dead_letters) unless the request says
  // ?deadLetters=purge, which purges them first. nullopt: go on deleting.
  std::optional<HttpResponse> DeadLettersBlockDelete(const HttpRequest& request,
                                                     std::string_view hook_id) const;
  HttpResponse ServeSources(const HttpRequest& request) const;
  HttpResponse ServeSource(const HttpRequest& request, std::string_view id) const;

  config::ConfigStore* store_;
  Sha256Digest admin_token_digest_;
  config::HookStatusSource hook_status_;
  config::DeadLetterAdmin* dead_letters_ = nullptr;
};

}  // namespace streamhook::admin
