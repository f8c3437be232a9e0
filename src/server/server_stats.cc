#include "server/server_stats.h"

#include <fmt/format.h>

#include <iterator>

namespace streamhook::server {
namespace {

uint64_t Load(const ServerCounters::Counter& counter) {
  return counter.load(std::memory_order_relaxed);
}

void AppendMetric(std::string* out, const char* name, const char* type, const char* help, uint64_t value) {
  fmt::format_to(std::back_inserter(*out), "# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type,
                 value);
}

}  // namespace

void ServerCounters::RecordResponse(int status) {
  Increment(requests_served);
  const int status_class = status / 100;
  if (status_class >= 1 && status_class <= 5) Increment(responses_by_class[status_class - 1]);
}

HttpServerStats ServerCounters::Snapshot() const {
  HttpServerStats stats;
  stats.connections_open = Load(connections_open);
  stats.connections_accepted = Load(connections_accepted);
  stats.connections_rejected = Load(connections_rejected);
  stats.requests_served = Load(requests_served);
  for (size_t i = 0; i < responses_by_class.size(); ++i) {
    stats.responses_by_class[i] = Load(responses_by_class[i]);
  }
  stats.malformed_requests = Load(malformed_requests);
  stats.bodies_too_large = Load(bodies_too_large);
  stats.headers_too_large = Load(headers_too_large);
  stats.read_timeouts = Load(read_timeouts);
  stats.idle_timeouts = Load(idle_timeouts);
  stats.connection_errors = Load(connection_errors);
  stats.accept_errors = Load(accept_errors);
  stats.dropped_responses = Load(dropped_responses);
  return stats;
}

void AppendPrometheus(const HttpServerStats& stats, std::string* out) {
  AppendMetric(out, "streamhook_http_connections_open", "gauge", "Client connections open now.",
               stats.connections_open);
  AppendMetric(out, "streamhook_http_connections_accepted_total", "counter", "Client connections admitted.",
               stats.connections_accepted);
  AppendMetric(out, "streamhook_http_connections_rejected_total", "counter",
               "Client connections refused with 503 (connection limit reached or stopping).",
               stats.connections_rejected);
  AppendMetric(out, "streamhook_http_requests_total", "counter", "HTTP responses written.",
               stats.requests_served);

  out->append(
      "# HELP streamhook_http_responses_total HTTP responses written, by status class.\n"
      "# TYPE streamhook_http_responses_total counter\n");
  for (size_t i = 0; i < stats.responses_by_class.size(); ++i) {
    fmt::format_to(std::back_inserter(*out), "streamhook_http_responses_total{{code=\"{}xx\"}} {}\n", i + 1,
                   stats.responses_by_class[i]);
  }

  out->append(
      "# HELP streamhook_http_request_errors_total Requests the server refused or gave up on, by reason.\n"
      "# TYPE streamhook_http_request_errors_total counter\n");
  const std::pair<const char*, uint64_t> reasons[] = {
      {"malformed", stats.malformed_requests},        {"body_too_large", stats.bodies_too_large},
      {"headers_too_large", stats.headers_too_large}, {"read_timeout", stats.read_timeouts},
      {"dropped_response", stats.dropped_responses},
  };
  for (const auto& [reason, value] : reasons) {
    fmt::format_to(std::back_inserter(*out), "streamhook_http_request_errors_total{{reason=\"{}\"}} {}\n",
                   reason, value);
  }

  AppendMetric(out, "streamhook_http_idle_timeouts_total", "counter",
               "Keep-alive connections closed after idling.", stats.idle_timeouts);
  AppendMetric(out, "streamhook_http_connection_errors_total", "counter",
               "Connections lost to resets, truncated requests or failed writes.", stats.connection_errors);
  AppendMetric(out, "streamhook_http_accept_errors_total", "counter",
               "Failed accepts (for example out of file descriptors).", stats.accept_errors);
}

}  // namespace streamhook::server
