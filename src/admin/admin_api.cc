#include "admin/admin_api.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <cctype>
#include <utility>
#include <vector>

#include "admin/admin_responses.h"
#include "admin/connector_json.h"
#include "admin/hook_json.h"
#include "admin/source_json.h"
#include "common/json_writer.h"

namespace streamhook::admin {
namespace {

std::vector<std::string_view> SplitPath(std::string_view rest) {
  std::vector<std::string_view> segments;
  while (true) {
    const size_t slash = rest.find('/');
    segments.push_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    rest.remove_prefix(slash + 1);
  }
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

HttpResponse HookResponse(int status, const config::Hook& hook) {
  return JsonOf(status, [&](JsonWriter* w) { WriteHookJson(hook, w); });
}

HttpResponse NotFound() {
  return ErrorResponse(404, "not_found", "no such admin API path");
}

}  // namespace

AdminApi::AdminApi(config::ConfigStore* store, std::string_view admin_token)
    : store_(store), admin_token_digest_(Sha256(admin_token)) {}

void AdminApi::SetHookStatusSource(config::HookStatusSource source) {
  hook_status_ = std::move(source);
}

void AdminApi::SetDeadLetterAdmin(config::DeadLetterAdmin* dead_letters) {
  dead_letters_ = dead_letters;
}

std::optional<config::HookStatus> AdminApi::StatusOf(std::string_view hook_id) const {
  if (!hook_status_) return std::nullopt;
  return hook_status_(hook_id);
}

HttpHandler AdminApi::AsHandler() const {
  return [this](const HttpRequest& request, Respond respond) { respond(Serve(request)); };
}

bool AdminApi::Authorized(const HttpRequest& request) const {
  const std::string_view header = request.Header("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() || !EqualsIgnoreCase(header.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  // Comparing fixed-size digests keeps the comparison constant-time even for tokens of a
  // different length, and CRYPTO_memcmp does not stop at the first differing byte.
  const Sha256Digest presented = Sha256(header.substr(kScheme.size()));
  return CRYPTO_memcmp(presented.data(), admin_token_digest_.data(), presented.size()) == 0;
}

HttpResponse AdminApi::Serve(const HttpRequest& request) const {
  if (!Authorized(request)) {
    HttpResponse response =
        ErrorResponse(401, "unauthorized", "send the admin token as \"Authorization: Bearer <token>\"");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"streamhook admin\"");
    return response;
  }
  std::string_view path = request.path;
  if (!path.starts_with(kPathPrefix)) return NotFound();
  path.remove_prefix(kPathPrefix.size());
  const std::vector<std::string_view> segments = SplitPath(path);
  for (std::string_view segment : segments) {
    if (segment.empty()) return NotFound();
  }
  if (segments.size() == 2 && segments[0] == "connectors" && segments[1] == "kinesis") {
    return ServeConnector(request);
  }
  if (segments[0] == "hooks") {
    if (segments.size() == 1) return ServeHooks(request);
    if (segments.size() == 2) return ServeHook(request, segments[1]);
    if (segments[2] == "dead-letters") {
      return ServeDeadLetters(request, segments[1], std::span(segments).subspan(2));
    }
  }
  if (segments[0] == "sources") {
    if (segments.size() == 1) return ServeSources(request);
    if (segments.size() == 2) return ServeSource(request, segments[1]);
  }
  return NotFound();
}

HttpResponse AdminApi::ServeConnector(const HttpRequest& request) const {
  if (request.method == "GET") {
    Result<config::KinesisConnector> connector = store_->GetConnector();
    if (!connector.ok()) return StatusResponse(connector.status());
    return JsonOf(200, [&](JsonWriter* w) { WriteConnectorJson(*connector, w); });
  }
  if (request.method == "PUT") {
    Result<config::KinesisConnector> stored = store_->GetConnector();
    if (!stored.ok() && stored.status().code() != Status::Code::kNotFound)
      return StatusResponse(stored.status());
    config::KinesisConnector connector;
    if (MaybeFieldError error =
            ParseConnectorJson(request.body, stored.ok() ? &*stored : nullptr, &connector)) {
      return FieldErrorResponse(*error);
    }
    Result<config::KinesisConnector> saved = store_->PutConnector(std::move(connector));
    if (!saved.ok()) return StatusResponse(saved.status());
    spdlog::info("admin API: Kinesis connector set (region {}, active {})", saved->region, saved->active);
    return JsonOf(200, [&](JsonWriter* w) { WriteConnectorJson(*saved, w); });
  }
  return MethodNotAllowed("GET, PUT");
}

HttpResponse AdminApi::ServeHooks(const HttpRequest& request) const {
  if (request.method == "GET") {
    Result<std::vector<config::Hook>> hooks = store_->ListHooks();
    if (!hooks.ok()) return StatusResponse(hooks.status());
    return JsonOf(200, [&](JsonWriter* w) {
      w->BeginObject();
      w->Key("hooks");
      w->BeginArray();
      for (const config::Hook& hook : *hooks) WriteHookJson(hook, w, StatusOf(hook.id));
      w->EndArray();
      w->EndObject();
    });
  }
  if (request.method == "POST") {
    config::Hook hook;
    if (MaybeFieldError error = ApplyHookJson(request.body, HookWriteMode::kCreate, &hook)) {
      return FieldErrorResponse(*error);
    }
    Result<config::Hook> created = store_->CreateHook(std::move(hook));
    if (!created.ok()) return StatusResponse(created.status());
    spdlog::info("admin API: hook {} created (stream {})", created->id, created->stream_name);
    return HookResponse(201, *created);
  }
  return MethodNotAllowed("GET, POST");
}

HttpResponse AdminApi::ServeHook(const HttpRequest& request, std::string_view id) const {
  if (request.method == "GET") {
    Result<config::Hook> hook = store_->GetHook(id);
    if (!hook.ok()) return StatusResponse(hook.status());
    return JsonOf(200, [&](JsonWriter* w) { WriteHookJson(*hook, w, StatusOf(hook->id)); });
  }
  if (request.method == "PUT" || request.method == "PATCH") {
    Result<config::Hook> stored = store_->GetHook(id);
    if (!stored.ok()) return StatusResponse(stored.status());
    config::Hook hook;
    HookWriteMode mode = HookWriteMode::kReplace;
    if (request.method == "PATCH") {
      hook = *stored;
      mode = HookWriteMode::kPatch;
    } else {
      hook.id = stored->id;
    }
    if (MaybeFieldError error = ApplyHookJson(request.body, mode, &hook)) return FieldErrorResponse(*error);
    Result<config::Hook> updated = store_->UpdateHook(std::move(hook));
    if (!updated.ok()) return StatusResponse(updated.status());
    spdlog::info("admin API: hook {} updated", updated->id);
    return HookResponse(200, *updated);
  }
  if (request.method == "DELETE") {
    if (std::optional<HttpResponse> refused = DeadLettersBlockDelete(request, id)) return std::move(*refused);
    Status deleted = store_->DeleteHook(id);
    if (!deleted.ok()) return StatusResponse(deleted);
    spdlog::info("admin API: hook {} deleted", id);
    return NoContent();
  }
  return MethodNotAllowed("GET, PUT, PATCH, DELETE");
}

HttpResponse AdminApi::ServeSources(const HttpRequest& request) const {
  if (request.method == "GET") {
    Result<std::vector<config::Source>> sources = store_->ListSources();
    if (!sources.ok()) return StatusResponse(sources.status());
    return JsonOf(200, [&](JsonWriter* w) {
      w->BeginObject();
      w->Key("sources");
      w->BeginArray();
      for (const config::Source& source : *sources) WriteSourceJson(source, WriteKeyDisplay::kMasked, w);
      w->EndArray();
      w->EndObject();
    });
  }
  if (request.method == "POST") {
    config::Source source;
    if (MaybeFieldError error = ParseSourceJson(request.body, &source)) return FieldErrorResponse(*error);
    Result<config::Source> created = store_->CreateSource(std::move(source));
    if (!created.ok()) return StatusResponse(created.status());
    spdlog::info("admin API: source {} created", created->id);
    // The only answer that shows the write key in full: the caller must keep it now.
    return JsonOf(201, [&](JsonWriter* w) { WriteSourceJson(*created, WriteKeyDisplay::kFull, w); });
  }
  return MethodNotAllowed("GET, POST");
}

HttpResponse AdminApi::ServeSource(const HttpRequest& request, std::string_view id) const {
  if (request.method == "GET") {
    Result<config::Source> source = store_->GetSource(id);
    if (!source.ok()) return StatusResponse(source.status());
    return JsonOf(200, [&](JsonWriter* w) { WriteSourceJson(*source, WriteKeyDisplay::kMasked, w); });
  }
  if (request.method == "DELETE") {
    Status deleted = store_->DeleteSource(id);
    if (!deleted.ok()) return StatusResponse(deleted);
    spdlog::info("admin API: source {} deleted", id);
    return NoContent();
  }
  return MethodNotAllowed("GET, DELETE");
}

}  // namespace streamhook::admin
