#include "ingest/ingest_stats.h"

namespace streamhook::ingest {

void IngestStats::AppendPrometheus(std::string* out) const {
  out->append(
      "# HELP streamhook_events_accepted_total Events accepted by the tracking API and stored durably.\n"
      "# TYPE streamhook_events_accepted_total counter\n"
      "streamhook_events_accepted_total ");
  out->append(std::to_string(accepted_events())).push_back('\n');
  out->append(
      "# HELP streamhook_requests_rejected_total Tracking API requests refused, by reason.\n"
      "# TYPE streamhook_requests_rejected_total counter\n");
  for (size_t i = 0; i < kErrorCodeCount; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    out->append("streamhook_requests_rejected_total{reason=\"").append(ErrorCodeName(code)).append("\"} ");
    out->append(std::to_string(rejected_requests(code))).push_back('\n');
  }
}

}  // namespace streamhook::ingest
