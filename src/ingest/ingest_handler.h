// IngestHandler: the tracking API's HTTP handler. Parses with ParseTrackingCall, hands accepted
// events to an EventSink and answers 200 only once the sink says they are durable.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/event.h"
#include "common/http_types.h"
#include "common/status.h"
#include "ingest/ingest_limits.h"
#include "ingest/ingest_stats.h"
#include "ingest/write_key.h"

namespace streamhook::ingest {

// Where accepted events go; implemented over the spool.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Stores `events` (all or none) and calls `done` exactly once, possibly on another thread:
  // OK = durable; ResourceExhausted = full, the client should retry soon; anything else = failed.
  virtual void Append(std::vector<Event> events, std::function<void(Status)> done) = 0;
};

struct IngestOptions {
  IngestLimits limits;
  // A full sink answers 503 with Retry-After drawn from this range (seconds), spreading retries.
  int retry_after_min_seconds = 1;
  int retry_after_max_seconds = 5;
};

class IngestHandler {
 public:
  // `keys` and `sink` must outlive the handler, and the handler must outlive every Append it made.
  IngestHandler(const WriteKeyResolver* keys, EventSink* sink, IngestOptions options = {});

  // Serves POST /v1/{track,identify,page,screen,group,alias,batch,import,events,message-logs};
  // matches HttpHandler. Thread-safe. `respond` runs exactly once: at once for a refused request,
  // else when the sink calls back (200 {"success":true}, 503 + Retry-After, or 500).
  void Handle(const HttpRequest& request, Respond respond);

  const IngestStats& stats() const { return stats_; }
  // Appends the handler's counters in the Prometheus text format.
  void AppendPrometheus(std::string* out) const { stats_.AppendPrometheus(out); }

 private:
  HttpResponse SinkFailure(const Status& status);

  const WriteKeyResolver* keys_;
  EventSink* sink_;
  IngestOptions options_;
  IngestStats stats_;
};

}  // namespace streamhook::ingest
