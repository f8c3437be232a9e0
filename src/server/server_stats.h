// What the HTTP server counts: connections, requests, and the ways clients misbehave.
//
// Failures are counted here instead of logged one by one: a flood of resets or slow clients must
// not turn into a flood of log lines. ServerCounters is updated lock-free from the I/O threads;
// HttpServerStats is a plain snapshot of it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace streamhook::server {

struct HttpServerStats {
  uint64_t connections_open = 0;
  uint64_t connections_accepted = 0;             // admitted (rejected ones not included)
  uint64_t connections_rejected = 0;             // over max_connections or while stopping: 503 and close
  uint64_t requests_served = 0;                  // responses fully written, whatever their status
  std::array<uint64_t, 5> responses_by_class{};  // [0] = 1xx ... [4] = 5xx
  uint64_t malformed_requests = 0;               // answered 400
  uint64_t bodies_too_large = 0;                 // answered 413
  uint64_t headers_too_large = 0;                // answered 431
  uint64_t read_timeouts = 0;                    // a request did not arrive in read_timeout: closed
  uint64_t idle_timeouts = 0;                    // keep-alive connections closed after idle_timeout
  uint64_t connection_errors = 0;                // resets, truncated requests, failed or timed-out writes
  uint64_t accept_errors = 0;                    // accept() failed, e.g. out of file descriptors
  uint64_t dropped_responses = 0;                // a handler let go of Respond without calling it: 500
};

// Appends the stats in the Prometheus text format (streamhook_http_* metrics).
void AppendPrometheus(const HttpServerStats& stats, std::string* out);

class ServerCounters {
 public:
  using Counter = std::atomic<uint64_t>;

  Counter connections_open{0};
  Counter connections_accepted{0};
  Counter connections_rejected{0};
  Counter requests_served{0};
  std::array<Counter, 5> responses_by_class{};
  Counter malformed_requests{0};
  Counter bodies_too_large{0};
  Counter headers_too_large{0};
  Counter read_timeouts{0};
  Counter idle_timeouts{0};
  Counter connection_errors{0};
  Counter accept_errors{0};
  Counter dropped_responses{0};

  // Counts one response written with this HTTP status.
  void RecordResponse(int status);
  HttpServerStats Snapshot() const;
};

// Adds one to a counter; relaxed because counters order nothing else.
inline void Increment(ServerCounters::Counter& counter) {
  counter.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace streamhook::server
