// IngestStats: what the tracking API has accepted and refused, for /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include "ingest/ingest_error.h"

namespace streamhook::ingest {

// Counters updated from any thread without locks.
class IngestStats {
 public:
  void AddAccepted(uint64_t events) { accepted_events_.fetch_add(events, std::memory_order_relaxed); }
  void AddRejected(ErrorCode code) {
    rejected_requests_[static_cast<size_t>(code)].fetch_add(1, std::memory_order_relaxed);
  }

  // Events durably handed to the sink since start.
  uint64_t accepted_events() const { return accepted_events_.load(std::memory_order_relaxed); }
  // Requests refused with `code` since start.
  uint64_t rejected_requests(ErrorCode code) const {
    return rejected_requests_[static_cast<size_t>(code)].load(std::memory_order_relaxed);
  }

  // Appends the counters in the Prometheus text format: streamhook_events_accepted_total and
  // streamhook_requests_rejected_total{reason="<code>"} (every code, zeros included, so rates work
  // from the first scrape).
  void AppendPrometheus(std::string* out) const;

 private:
  std::atomic<uint64_t> accepted_events_{0};
  std::array<std::atomic<uint64_t>, kErrorCodeCount> rejected_requests_{};
};

}  // namespace streamhook::ingest
