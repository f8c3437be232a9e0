#include "ingest/ingest_handler.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <utility>

#include "common/time_format.h"
#include "ingest/id_generator.h"
#include "ingest/parse_request.h"

namespace streamhook::ingest {

IngestHandler::IngestHandler(const WriteKeyResolver* keys, EventSink* sink, IngestOptions options)
    : keys_(keys), sink_(sink), options_(options) {}

void IngestHandler::Handle(const HttpRequest& request, Respond respond) {
  thread_local RandomUuidGenerator ids;
  ParseResult parsed = ParseTrackingCall(request.path, request, *keys_, NowMillis(), ids, options_.limits);
  if (!parsed.ok()) {
    stats_.AddRejected(parsed.error->code);
    respond(ErrorResponse(*parsed.error));
    return;
  }
  if (parsed.events.empty()) {  // an empty batch: nothing to make durable
    respond(SuccessResponse());
    return;
  }
  const size_t count = parsed.events.size();
  sink_->Append(std::move(parsed.events), [this, count, respond = std::move(respond)](Status status) {
    if (status.ok()) {
      stats_.AddAccepted(count);
      respond(SuccessResponse());
    } else {
      respond(SinkFailure(status));
    }
  });
}

HttpResponse IngestHandler::SinkFailure(const Status& status) {
  if (status.code() == Status::Code::kResourceExhausted) {
    stats_.AddRejected(ErrorCode::kSpoolFull);
    thread_local std::minstd_rand jitter(std::random_device{}());
    const int low = std::max(1, options_.retry_after_min_seconds);
    std::uniform_int_distribution<int> seconds(low, std::max(low, options_.retry_after_max_seconds));
    HttpResponse response = ErrorResponse(RequestError(
        503, ErrorCode::kSpoolFull, "the server is busy; retry after the delay in the Retry-After header"));
    response.headers.emplace_back("Retry-After", std::to_string(seconds(jitter)));
    return response;
  }
  stats_.AddRejected(ErrorCode::kInternal);
  // The sink's message is for operators (it may name files); the client gets a generic one.
  spdlog::error("ingest: storing events failed: {}", status.ToString());
  return ErrorResponse(
      RequestError(500, ErrorCode::kInternal, "the events could not be stored; retry later"));
}

}  // namespace streamhook::ingest
