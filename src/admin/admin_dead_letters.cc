// /admin/v1/hooks/{id}/dead-letters[...]: AdminApi's routes over a DeadLetterAdmin.
//   GET    .../dead-letters?offset=0&limit=100  {"total", "offset", "letters": [...]}
//   GET    .../dead-letters/{index}             one letter
//   DELETE .../dead-letters[?upTo=N]            {"purged"}
//   POST   .../dead-letters/replay [{"upTo":N}] 202 {"queued"}
//   GET    .../dead-letters/replay              {"queued", "delivered"}
// upTo (query or body, not both) defaults to every letter there is when the request arrives.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/url/parse_query.hpp>
#include <charconv>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "admin/admin_api.h"
#include "admin/admin_responses.h"

namespace streamhook::admin {
namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 1000;

using Query = std::map<std::string, std::string, std::less<>>;

FieldError InvalidParameter(std::string_view name, std::string_view problem) {
  return FieldError{"invalid_parameter", std::string(name), std::string(name) + " " + std::string(problem)};
}

// Decodes the query string into *out. Refuses parameters not in `known` and repeated ones, so a
// typo ("upto") cannot silently turn into "everything".
MaybeFieldError ParseQuery(std::string_view query, std::initializer_list<std::string_view> known,
                           Query* out) {
  if (query.empty()) return std::nullopt;
  const auto params = boost::urls::parse_query(query);
  if (!params) return FieldError{"invalid_parameter", "", "the query string is malformed"};
  for (const boost::urls::param_pct_view param : *params) {
    std::string name = param.key.decode();
    if (name.empty() && !param.has_value) continue;  // "a=1&" or "&&"
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidParameter(name, "is not a known query parameter");
    }
    if (!out->emplace(name, param.value.decode()).second)
      return InvalidParameter(name, "appears more than once");
  }
  return std::nullopt;
}

// A decimal count (digits only) no larger than `max`.
std::optional<size_t> ParseCount(std::string_view text, size_t max) {
  size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > max)
    return std::nullopt;
  return value;
}

// The query parameter `name` as a count in [min, max], or `fallback` when absent.
MaybeFieldError CountParameter(const Query& query, std::string_view name, size_t min, size_t max,
                               size_t fallback, size_t* out) {
  const auto it = query.find(name);
  if (it == query.end()) {
    *out = fallback;
    return std::nullopt;
  }
  const std::optional<size_t> value = ParseCount(it->second, max);
  if (!value || *value < min) {
    return InvalidParameter(name, max == SIZE_MAX ? "must be a non-negative integer"
                                                  : "must be an integer from " + std::to_string(min) +
                                                        " to " + std::to_string(max));
  }
  *out = *value;
  return std::nullopt;
}

// upTo from the query or the body (an optional JSON object {"upTo": N}); nullopt when neither has it.
MaybeFieldError ReadUpTo(const HttpRequest& request, std::optional<size_t>* up_to) {
  Query query;
  if (MaybeFieldError error = ParseQuery(request.query, {"upTo"}, &query)) return error;
  if (query.contains("upTo")) {
    size_t value = 0;
    if (MaybeFieldError error = CountParameter(query, "upTo", 0, SIZE_MAX, 0, &value)) return error;
    *up_to = value;
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (MaybeFieldError error = ParseJsonObject(parser, request.body, &object)) return error;
  for (const auto [key, value] : object) {
    if (key != "upTo") return UnknownField(key);
    if (up_to->has_value())
      return FieldError::Invalid("upTo", "must be given once: in the query or the body");
    int64_t number = 0;
    if (value.get_int64().get(number) != simdjson::SUCCESS || number < 0) {
      return FieldError::Invalid("upTo", "must be a non-negative integer");
    }
    *up_to = static_cast<size_t>(number);
  }
  return std::nullopt;
}

// upTo as given, or the number of letters the hook has now.
Result<size_t> UpToOrAll(config::DeadLetterAdmin& letters, std::string_view hook_id,
                         std::optional<size_t> up_to) {
  if (up_to) return *up_to;
  size_t total = 0;
  Result<std::vector<std::string>> none = letters.List(hook_id, 0, 0, &total);
  if (!none.ok()) return none.status();
  return total;
}

HttpResponse ListLetters(config::DeadLetterAdmin& letters, const HttpRequest& request,
                         std::string_view hook_id) {
  Query query;
  size_t offset = 0;
  size_t limit = 0;
  if (MaybeFieldError error = ParseQuery(request.query, {"offset", "limit"}, &query)) {
    return FieldErrorResponse(*error);
  }
  if (MaybeFieldError error = CountParameter(query, "offset", 0, SIZE_MAX, 0, &offset)) {
    return FieldErrorResponse(*error);
  }
  if (MaybeFieldError error = CountParameter(query, "limit", 1, kMaxLimit, kDefaultLimit, &limit)) {
    return FieldErrorResponse(*error);
  }
  size_t total = 0;
  Result<std::vector<std::string>> page = letters.List(hook_id, offset, limit, &total);
  if (!page.ok()) return StatusResponse(page.status());
  return JsonOf(200, [&](JsonWriter* w) {
    w->BeginObject();
    w->Key("total");
    w->Uint(total);
    w->Key("offset");
    w->Uint(offset);
    w->Key("letters");
    w->BeginArray();
    for (const std::string& letter : *page) w->Raw(letter);
    w->EndArray();
    w->EndObject();
  });
}

HttpResponse GetLetter(config::DeadLetterAdmin& letters, std::string_view hook_id, size_t index) {
  size_t total = 0;
  Result<std::vector<std::string>> page = letters.List(hook_id, index, 1, &total);
  if (!page.ok()) return StatusResponse(page.status());
  if (page->empty()) {
    return ErrorResponse(404, "not_found",
                         "hook " + std::string(hook_id) + " has " + std::to_string(total) +
                             " dead letters: none at index " + std::to_string(index));
  }
  return JsonResponse(200, std::move(page->front()));
}

HttpResponse Purge(config::DeadLetterAdmin& letters, const HttpRequest& request, std::string_view hook_id) {
  std::optional<size_t> up_to;
  if (MaybeFieldError error = ReadUpTo(request, &up_to)) return FieldErrorResponse(*error);
  Result<size_t> count = UpToOrAll(letters, hook_id, up_to);
  if (!count.ok()) return StatusResponse(count.status());
  Result<size_t> purged = letters.Purge(hook_id, *count);
  if (!purged.ok()) return StatusResponse(purged.status());
  spdlog::info("admin API: hook {}: {} dead letters purged", hook_id, *purged);
  return JsonOf(200, [&](JsonWriter* w) {
    w->BeginObject();
    w->Key("purged");
    w->Uint(*purged);
    w->EndObject();
  });
}

HttpResponse Replay(config::DeadLetterAdmin& letters, const HttpRequest& request, std::string_view hook_id) {
  std::optional<size_t> up_to;
  if (MaybeFieldError error = ReadUpTo(request, &up_to)) return FieldErrorResponse(*error);
  Result<size_t> count = UpToOrAll(letters, hook_id, up_to);
  if (!count.ok()) return StatusResponse(count.status());
  Result<size_t> queued = letters.Replay(hook_id, *count);
  if (!queued.ok()) return StatusResponse(queued.status());
  spdlog::info("admin API: hook {}: {} dead letters queued for replay", hook_id, *queued);
  // 202: queued, not delivered; GET .../replay follows the delivery.
  return JsonOf(202, [&](JsonWriter* w) {
    w->BeginObject();
    w->Key("queued");
    w->Uint(*queued);
    w->EndObject();
  });
}

HttpResponse ReplayProgressResponse(config::DeadLetterAdmin& letters, std::string_view hook_id) {
  const config::ReplayProgress progress = letters.Progress(hook_id);
  return JsonOf(200, [&](JsonWriter* w) {
    w->BeginObject();
    w->Key("queued");
    w->Uint(progress.queued);
    w->Key("delivered");
    w->Uint(progress.delivered);
    w->EndObject();
  });
}

// Whether `method` is one of the comma-separated `allowed` ("GET, POST").
bool Allows(std::string_view allowed, std::string_view method) {
  while (!allowed.empty()) {
    const size_t comma = allowed.find(',');
    if (allowed.substr(0, comma) == method) return true;
    if (comma == std::string_view::npos) break;
    allowed.remove_prefix(comma + 1);
    while (allowed.starts_with(' ')) allowed.remove_prefix(1);
  }
  return false;
}

}  // namespace

std::optional<HttpResponse> AdminApi::DeadLettersBlockDelete(const HttpRequest& request,
                                                             std::string_view hook_id) const {
  Query query;
  if (MaybeFieldError error = ParseQuery(request.query, {"deadLetters"}, &query))
    return FieldErrorResponse(*error);
  const auto mode = query.find("deadLetters");
  if (mode != query.end() && mode->second != "purge") {
    return FieldErrorResponse(InvalidParameter("deadLetters", "must be \"purge\" when given"));
  }
  if (dead_letters_ == nullptr || !store_->GetHook(hook_id).ok()) return std::nullopt;  // the delete answers
  size_t total = 0;
  if (auto listed = dead_letters_->List(hook_id, 0, 0, &total); !listed.ok())
    return StatusResponse(listed.status());
  if (total == 0) return std::nullopt;
  if (mode == query.end()) {
    return ErrorResponse(409, "has_dead_letters",
                         "hook " + std::string(hook_id) + " still has " + std::to_string(total) +
                             " dead letters, which deleting it would make unreachable: replay or purge them "
                             "first (streamhook dlq replay|purge), or delete with ?deadLetters=purge");
  }
  auto purged = dead_letters_->Purge(hook_id, total);
  if (!purged.ok()) return StatusResponse(purged.status());
  spdlog::info("admin API: {} dead letters of hook {} purged before deleting it", *purged, hook_id);
  return std::nullopt;
}

HttpResponse AdminApi::ServeDeadLetters(const HttpRequest& request, std::string_view hook_id,
                                        std::span<const std::string_view> segments) const {
  // Which route and its methods first, so that 404 and 405 do not depend on the hook or setup.
  enum class Route { kLetters, kLetter, kReplay } route = Route::kLetters;
  std::string_view allowed = "GET, DELETE";
  std::optional<size_t> index;
  if (segments.size() == 2) {
    if (segments[1] == "replay") {
      route = Route::kReplay;
      allowed = "GET, POST";
    } else {
      index = ParseCount(segments[1], SIZE_MAX);
      if (!index) return ErrorResponse(404, "not_found", "no such admin API path");
      route = Route::kLetter;
      allowed = "GET";
    }
  } else if (segments.size() != 1) {
    return ErrorResponse(404, "not_found", "no such admin API path");
  }
  if (!Allows(allowed, request.method)) return MethodNotAllowed(allowed);
  if (dead_letters_ == nullptr) {
    return ErrorResponse(501, "not_implemented", "dead letters are not available on this server");
  }
  Result<config::Hook> hook = store_->GetHook(hook_id);
  if (!hook.ok()) return StatusResponse(hook.status());
  config::DeadLetterAdmin& letters = *dead_letters_;
  if (route == Route::kLetters) {
    return request.method == "GET" ? ListLetters(letters, request, hook_id)
                                   : Purge(letters, request, hook_id);
  }
  if (route == Route::kReplay && request.method == "POST") return Replay(letters, request, hook_id);
  // The GETs without parameters still refuse any, like the other routes refuse unknown ones.
  Query none;
  if (MaybeFieldError error = ParseQuery(request.query, {}, &none)) return FieldErrorResponse(*error);
  if (route == Route::kReplay) return ReplayProgressResponse(letters, hook_id);
  return GetLetter(letters, hook_id, *index);
}

}  // namespace streamhook::admin
