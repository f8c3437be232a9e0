#include "producer/producer_metrics.h"

#include <cstdio>

namespace streamhook::producer {

void LatencyHistogram::Observe(double ms) {
  size_t i = 0;
  while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<uint64_t>(ms * 1000), std::memory_order_relaxed);
}

void LatencyHistogram::AppendPrometheus(const std::string& name, const std::string& labels,
                                        std::string* out) const {
  uint64_t cumulative = 0;
  char line[256];
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= kBoundsMs.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBoundsMs.size() ? std::to_string(kBoundsMs[i] / 1000.0) : "+Inf";
    std::snprintf(line, sizeof line, "%s_bucket{%s%sle=\"%s\"} %llu\n", name.c_str(), labels.c_str(),
                  sep.c_str(), le.c_str(), static_cast<unsigned long long>(cumulative));
    out->append(line);
  }
  std::snprintf(line, sizeof line, "%s_sum{%s} %.6f\n%s_count{%s} %llu\n", name.c_str(), labels.c_str(),
                sum_us_.load() / 1e6, name.c_str(), labels.c_str(),
                static_cast<unsigned long long>(count_.load()));
  out->append(line);
}

void ProducerMetrics::SetError(std::string error) {
  std::lock_guard lock(mutex_);
  error_ = std::move(error);
}

std::string ProducerMetrics::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

}  // namespace streamhook::producer
