#include "producer/backoff.h"

#include <algorithm>

namespace streamhook::producer {

std::chrono::milliseconds BackoffPolicy::Delay(int attempt, std::mt19937_64& rng) const {
  const int shift = std::clamp(attempt, 0, 30);
  const int64_t cap = std::min<int64_t>(max.count(), base.count() << std::min(shift, 20));
  const int64_t floor = base.count() / 2;
  std::uniform_int_distribution<int64_t> pick(std::min(floor, cap), std::max(floor, cap));
  return std::chrono::milliseconds(pick(rng));
}

}  // namespace streamhook::producer
