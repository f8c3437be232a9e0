#include "ingest/parse_request.h"

#include <string>

#include "common/time_format.h"
#include "ingest/event_builder.h"
#include "ingest/netmera_calls.h"
#include "ingest/request_scan.h"
#include "ingest/tracking_call.h"

namespace streamhook::ingest {
namespace {

struct Route {
  std::string_view path;
  BodyShape shape;
  Trigger trigger;             // single calls; the list's trigger otherwise
  std::string_view list_name;  // how errors name an item: "batch[3]"
};

constexpr Route kRoutes[] = {
    {"/v1/track", BodyShape::kSingle, Trigger::kTrack, {}},
    {"/v1/identify", BodyShape::kSingle, Trigger::kIdentify, {}},
    {"/v1/page", BodyShape::kSingle, Trigger::kPage, {}},
    {"/v1/screen", BodyShape::kSingle, Trigger::kScreen, {}},
    {"/v1/group", BodyShape::kSingle, Trigger::kGroup, {}},
    {"/v1/alias", BodyShape::kSingle, Trigger::kAlias, {}},
    {"/v1/batch", BodyShape::kBatch, Trigger::kTrack, "batch"},
    {"/v1/import", BodyShape::kBatch, Trigger::kTrack, "batch"},
    {"/v1/events", BodyShape::kEventList, Trigger::kEvent, "events"},
    {"/v1/message-logs", BodyShape::kLogList, Trigger::kMessageLog, "logs"},
};

const Route* FindRoute(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  for (const Route& route : kRoutes) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

ParseResult Refuse(int http_status, ErrorCode code, std::string message) {
  ParseResult result;
  result.error = RequestError(http_status, code, std::move(message));
  return result;
}

const MessageSchema& SchemaFor(BodyShape shape) {
  switch (shape) {
    case BodyShape::kEventList: return NetmeraEventSchema();
    case BodyShape::kLogList: return MessageLogSchema();
    case BodyShape::kSingle:
    case BodyShape::kBatch: break;
  }
  return TrackingSchema();
}

std::optional<IngestError> CheckBodySize(const Route& route, size_t size, const IngestLimits& limits) {
  const bool single = route.shape == BodyShape::kSingle;
  const size_t limit = single ? limits.max_event_bytes : limits.max_batch_bytes;
  if (size <= limit) return std::nullopt;
  std::string message = "the body is " + std::to_string(size) + " bytes; the limit is " +
                        std::to_string(limit / 1024) + " KB (" + std::to_string(limit) + " bytes)";
  if (single) message += "; one event may be at most this large";
  return RequestError(413, single ? ErrorCode::kEventTooLarge : ErrorCode::kBatchTooLarge,
                      std::move(message));
}

// The source the request's write key belongs to: Basic auth first, then the body's writeKey.
std::optional<std::string> Authenticate(const HttpRequest& request, const JsonValue& body_write_key,
                                        const WriteKeyResolver& keys) {
  if (std::optional<std::string> key = WriteKeyFromBasicAuth(request.Header("authorization"))) {
    if (std::optional<std::string> source = keys.SourceIdForWriteKey(*key)) return source;
  }
  const std::string_view body_key = body_write_key.StringText();
  if (!body_key.empty()) return keys.SourceIdForWriteKey(body_key);
  return std::nullopt;
}

// Body-level rules of batches and lists, checked once the request is authenticated.
std::optional<IngestError> CheckListBody(const Route& route, const ScannedBody& body,
                                         const IngestLimits& limits) {
  if (route.shape == BodyShape::kSingle) return std::nullopt;
  if (!body.has_list) {
    std::string message = "the body needs a \"" + std::string(route.list_name) + "\" array";
    if (route.shape != BodyShape::kBatch) message += " (or to be a JSON array)";
    return RequestError(400, ErrorCode::kMissingBatch, std::move(message));
  }
  if (body.too_many) {
    return RequestError(400, ErrorCode::kTooManyEvents,
                        "more than " + std::to_string(limits.max_batch_events) +
                            " items in one request; split it into smaller ones");
  }
  for (const auto& [value, name] :
       {std::pair{&body.context, "context"}, std::pair{&body.integrations, "integrations"}}) {
    if (value->present() && !value->is_object()) {
      return RequestError(400, ErrorCode::kInvalidField,
                          std::string("the batch's ") + name + " must be a JSON object");
    }
  }
  return std::nullopt;
}

std::optional<ItemProblem> BuildOne(const Route& route, const ScannedMessage& message,
                                    const ScannedBody& body, const ScanArena& arena,
                                    const BuildContext& context, Event* out) {
  switch (route.shape) {
    case BodyShape::kSingle: return BuildTrackingEvent(message, route.trigger, nullptr, arena, context, out);
    case BodyShape::kBatch: {
      Trigger trigger;
      if (auto problem = BatchItemTrigger(message, &trigger)) return problem;
      return BuildTrackingEvent(message, trigger, &body, arena, context, out);
    }
    case BodyShape::kEventList: return BuildNetmeraEvent(message, arena, context, out);
    case BodyShape::kLogList: return BuildMessageLog(message, arena, context, out);
  }
  return ItemProblem{ErrorCode::kInternal, "unknown body shape"};
}

}  // namespace

ParseResult ParseTrackingCall(std::string_view path, const HttpRequest& request, const WriteKeyResolver& keys,
                              int64_t now_ms, IdGenerator& ids, const IngestLimits& limits) {
  const Route* route = FindRoute(path);
  if (route == nullptr) {
    return Refuse(
        404, ErrorCode::kNotFound,
        "no such endpoint; the tracking API serves POST /v1/track, /v1/identify, /v1/page, /v1/screen, "
        "/v1/group, /v1/alias, /v1/batch, /v1/import, /v1/events and /v1/message-logs");
  }
  if (request.method != "POST") return Refuse(405, ErrorCode::kMethodNotAllowed, "use POST");
  if (auto error = CheckBodySize(*route, request.body.size(), limits))
    return ParseResult{{}, std::move(error)};

  thread_local ScanArena arena;
  ScannedBody body;
  if (auto error = ScanBody(PaddedBody(request.body), route->shape, SchemaFor(route->shape),
                            limits.max_batch_events, &arena, &body)) {
    return ParseResult{{}, std::move(error)};
  }
  const std::optional<std::string> source_id = Authenticate(request, body.write_key, keys);
  if (!source_id) {
    return Refuse(
        401, ErrorCode::kUnauthorized,
        "missing or unknown write key: send it as the user name of HTTP Basic auth (empty password) "
        "or as \"writeKey\" in the body");
  }
  if (auto error = CheckListBody(*route, body, limits)) return ParseResult{{}, std::move(error)};

  const std::string received_at = FormatIso8601Millis(now_ms);
  TimeFormatter times;
  const BuildContext context{.now_ms = now_ms,
                             .received_at = received_at,
                             .source_id = *source_id,
                             .ids = &ids,
                             .limits = &limits,
                             .times = &times};
  ParseResult result;
  result.events.resize(arena.messages.size());
  for (size_t i = 0; i < arena.messages.size(); ++i) {
    std::optional<ItemProblem> problem =
        BuildOne(*route, arena.messages[i], body, arena, context, &result.events[i]);
    if (!problem) continue;
    result.events.clear();
    if (route->shape == BodyShape::kSingle) {
      result.error = RequestError(400, problem->code, std::move(problem->reason));
    } else {
      result.error = ItemError(route->list_name, i, problem->code, problem->reason);
    }
    return result;
  }
  return result;
}

}  // namespace streamhook::ingest
