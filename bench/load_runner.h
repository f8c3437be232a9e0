// RunLoad: sends pre-generated /v1/batch bodies over several keep-alive connections and counts
// what came back.
//
// One thread, one io_context, one coroutine per connection: the generator shares two cores with
// the server it measures, so it does no work per request beyond copying a body, stamping its
// messageIds and parsing the response head.
//
// Pacing: with a rate, request i is due at start + i * batch / rate (an open-loop schedule) and its
// latency is measured from that due time, so a server that stalls is charged for the requests that
// queued behind the stall (no "coordinated omission"). Flat out, each connection sends its next
// request as soon as the previous answer arrives and latency runs from the write.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "event_corpus.h"
#include "loopback_target.h"

namespace streamhook::bench {

struct RunSettings {
  LoopbackTarget target;
  std::string write_key;  // sent as the HTTP Basic user name
  size_t connections = 4;
  double rate_events_per_s = 0;  // 0: flat out
  // Stop scheduling requests this long after the start (0: no time limit, then max_events must be set).
  std::chrono::duration<double> duration{0};
  uint64_t max_events = 0;  // 0: no event limit
  // Everything still running is cut off this long after the start, so a run always ends.
  std::chrono::duration<double> hard_deadline{300};
  std::chrono::duration<double> request_timeout{30};
};

// What the generator sends: full batches used round-robin, and for an event limit that is not a
// multiple of the batch size, one shorter last batch.
struct RequestPool {
  std::vector<BatchTemplate> batches;  // all with the same number of events
  std::optional<BatchTemplate> tail;
};

// Builds `distinct` full batches of `batch_events` each, plus the tail `max_events` needs.
RequestPool BuildRequestPool(EventCorpus* corpus, size_t batch_events, size_t distinct, uint64_t max_events);

struct LoadResult {
  uint64_t requests_sent = 0;  // writes started
  uint64_t responses = 0;
  uint64_t events_sent = 0;
  uint64_t events_accepted = 0;  // events in requests answered 2xx
  uint64_t bytes_sent = 0;       // request bodies
  uint64_t status_2xx = 0;
  uint64_t status_4xx = 0;
  uint64_t status_503 = 0;
  uint64_t status_5xx = 0;        // other than 503
  uint64_t status_other = 0;      // 1xx/3xx
  uint64_t transport_errors = 0;  // a write or read that failed or timed out
  uint64_t connect_errors = 0;
  bool cut_off = false;                // the hard deadline stopped requests still in flight
  double elapsed_s = 0;                // from the first send to the last answer
  std::vector<uint64_t> latencies_ns;  // one per response
};

// Connects every connection (before the clock starts), runs the schedule and returns the counts.
// Fails only when no connection could be opened at all.
Result<LoadResult> RunLoad(const RunSettings& settings, const RequestPool& pool);

}  // namespace streamhook::bench
