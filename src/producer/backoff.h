// Exponential backoff with full jitter: retries spread out instead of arriving together.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace streamhook::producer {

struct BackoffPolicy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds max{10000};

  // A delay drawn uniformly from [0, min(max, base * 2^attempt)] (attempt 0 is the first retry),
  // but never below base/2, so a storm of retries still waits a little.
  std::chrono::milliseconds Delay(int attempt, std::mt19937_64& rng) const;
};

}  // namespace streamhook::producer
