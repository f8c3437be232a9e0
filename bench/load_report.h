// How a load run is reported: a short table for people, or one JSON object for scripts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load_runner.h"

namespace streamhook::bench {

struct LatencySummary {
  size_t count = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Nearest-rank percentiles of the latencies (all zero when there are none).
LatencySummary SummarizeLatencies(std::vector<uint64_t> latencies_ns);

// What was asked for, printed beside the results.
struct RunDescription {
  std::string url;
  size_t connections = 0;
  size_t batch_events = 0;
  double rate_events_per_s = 0;  // 0: flat out
  double mean_event_bytes = 0;
};

// Accepted events per second of elapsed time (0 when nothing elapsed).
double AcceptedEventsPerSecond(const LoadResult& result);

// A few aligned lines ending in '\n'.
std::string FormatTextReport(const RunDescription& run, const LoadResult& result);

// One JSON object (and '\n') with the same figures; the keys are documented in bench/README.md.
std::string FormatJsonReport(const RunDescription& run, const LoadResult& result);

}  // namespace streamhook::bench
