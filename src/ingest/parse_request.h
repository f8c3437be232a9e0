// ParseTrackingCall: one request to the tracking API in, the Events to store (or the error to
// answer) out. Pure: no I/O, no clock, no global state but per-thread scratch buffers, so it can be
// unit-tested and fuzzed on its own; IngestHandler adds the sink and the metrics.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/event.h"
#include "common/http_types.h"
#include "ingest/id_generator.h"
#include "ingest/ingest_error.h"
#include "ingest/ingest_limits.h"
#include "ingest/write_key.h"

namespace streamhook::ingest {

struct ParseResult {
  std::vector<Event> events;         // empty on error (and for an empty batch)
  std::optional<IngestError> error;  // set when the request is refused

  bool ok() const { return !error.has_value(); }
};

// Parses, authenticates, validates and normalizes a request for `path` (request.path without the
// query: /v1/track, /v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias, /v1/batch,
// /v1/import, /v1/events, /v1/message-logs). The write key comes from HTTP Basic auth or the
// body's `writeKey` and is resolved with `keys`; `now_ms` becomes every event's receivedAt; `ids`
// supplies the messageIds clients leave out. All or nothing: one bad item refuses the request.
// Errors: 404 unknown path, 405 not POST, 413 body over the limit, 401 no valid write key, 400 for
// the body's content (the error names the item's index for lists).
ParseResult ParseTrackingCall(std::string_view path, const HttpRequest& request, const WriteKeyResolver& keys,
                              int64_t now_ms, IdGenerator& ids, const IngestLimits& limits = {});

}  // namespace streamhook::ingest
