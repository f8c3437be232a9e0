// AdminApi: the HTTP handler for /admin/v1/* (connector, hooks, sources), over a ConfigStore.
//
// Every request needs "Authorization: Bearer <admin token>" (else 401). Answers are JSON;
// errors look like {"success":false,"code":"invalid_field","field":"batch.maxRecords","message":...}
// with code one of unauthorized, not_found, method_not_allowed, invalid_json, invalid_field,
// conflict, unavailable, internal. Secrets are masked in every answer except the 201 of
// POST /admin/v1/sources, which shows the new write key once.
#pragma once

#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/http_types.h"
#include "config/config_store.h"

namespace streamhook::config {

class AdminApi {
 public:
  static constexpr std::string_view kPathPrefix = "/admin/v1/";

  // `store` must outlive the AdminApi. Only a digest of `admin_token` is kept.
  AdminApi(ConfigStore* store, std::string_view admin_token);

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
  HttpResponse ServeSources(const HttpRequest& request) const;
  HttpResponse ServeSource(const HttpRequest& request, std::string_view id) const;

  ConfigStore* store_;
  Sha256Digest admin_token_digest_;
};

}  // namespace streamhook::config
