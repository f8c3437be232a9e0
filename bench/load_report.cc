#include "load_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/json_writer.h"

namespace streamhook::bench {
namespace {

double Millis(uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

// Rounds to three decimals so the JSON stays readable.
double Round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

}  // namespace

LatencySummary SummarizeLatencies(std::vector<uint64_t> latencies_ns) {
  LatencySummary summary;
  summary.count = latencies_ns.size();
  if (latencies_ns.empty()) return summary;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  auto rank = [&](double p) {
    const auto n = static_cast<double>(latencies_ns.size());
    const size_t index = static_cast<size_t>(std::max(std::ceil(p * n), 1.0)) - 1;
    return latencies_ns[std::min(index, latencies_ns.size() - 1)];
  };
  summary.p50_ms = Millis(rank(0.50));
  summary.p99_ms = Millis(rank(0.99));
  summary.max_ms = Millis(latencies_ns.back());
  return summary;
}

double AcceptedEventsPerSecond(const LoadResult& result) {
  return result.elapsed_s > 0 ? static_cast<double>(result.events_accepted) / result.elapsed_s : 0;
}

std::string FormatTextReport(const RunDescription& run, const LoadResult& result) {
  const LatencySummary latency = SummarizeLatencies(result.latencies_ns);
  const std::string pace =
      run.rate_events_per_s > 0 ? fmt::format("{:.0f} events/s", run.rate_events_per_s) : "flat out";
  std::string out;
  out +=
      fmt::format("target             {}/v1/batch ({} connections, {} events/request, {}, {:.0f} B/event)\n",
                  run.url, run.connections, run.batch_events, pace, run.mean_event_bytes);
  out += fmt::format("elapsed            {:.2f} s{}\n", result.elapsed_s,
                     result.cut_off ? " (cut off at the hard deadline)" : "");
  out += fmt::format("requests sent      {} ({} answered)\n", result.requests_sent, result.responses);
  out += fmt::format("events sent        {} ({:.1f} MB of bodies)\n", result.events_sent,
                     static_cast<double>(result.bytes_sent) / 1e6);
  out += fmt::format("responses          2xx {}  4xx {}  5xx {}  503 {}  other {}\n", result.status_2xx,
                     result.status_4xx, result.status_5xx, result.status_503, result.status_other);
  out += fmt::format("errors             transport {}  connect {}\n", result.transport_errors,
                     result.connect_errors);
  out += fmt::format("events accepted    {} ({:.0f} events/s)\n", result.events_accepted,
                     AcceptedEventsPerSecond(result));
  out += fmt::format("request latency    p50 {:.2f} ms  p99 {:.2f} ms  max {:.2f} ms{}\n", latency.p50_ms,
                     latency.p99_ms, latency.max_ms, run.rate_events_per_s > 0 ? " (from due time)" : "");
  return out;
}

std::string FormatJsonReport(const RunDescription& run, const LoadResult& result) {
  const LatencySummary latency = SummarizeLatencies(result.latencies_ns);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("url");
  w.String(run.url);
  w.Key("connections");
  w.Uint(run.connections);
  w.Key("batchEvents");
  w.Uint(run.batch_events);
  w.Key("rateEventsPerSecond");  // 0: flat out
  w.Double(run.rate_events_per_s);
  w.Key("meanEventBytes");
  w.Double(Round3(run.mean_event_bytes));
  w.Key("elapsedSeconds");
  w.Double(Round3(result.elapsed_s));
  w.Key("cutOff");
  w.Bool(result.cut_off);
  const std::pair<const char*, uint64_t> counts[] = {{"requestsSent", result.requests_sent},
                                                     {"responses", result.responses},
                                                     {"eventsSent", result.events_sent},
                                                     {"eventsAccepted", result.events_accepted},
                                                     {"bytesSent", result.bytes_sent},
                                                     {"status2xx", result.status_2xx},
                                                     {"status4xx", result.status_4xx},
                                                     {"status5xx", result.status_5xx},
                                                     {"status503", result.status_503},
                                                     {"statusOther", result.status_other},
                                                     {"transportErrors", result.transport_errors},
                                                     {"connectErrors", result.connect_errors}};
  for (const auto& [key, value] : counts) {
    w.Key(key);
    w.Uint(value);
  }
  w.Key("eventsPerSecondAccepted");
  w.Double(Round3(AcceptedEventsPerSecond(result)));
  w.Key("latencyMs");
  w.BeginObject();
  w.Key("p50");
  w.Double(Round3(latency.p50_ms));
  w.Key("p99");
  w.Double(Round3(latency.p99_ms));
  w.Key("max");
  w.Double(Round3(latency.max_ms));
  w.EndObject();
  w.EndObject();
  out += '\n';
  return out;
}

}  // namespace streamhook::bench
