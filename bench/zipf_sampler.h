// ZipfSampler: draws ranks 0..n-1 with P(k) proportional to 1/(k+1)^s.
//
// Real event traffic is skewed: a few users (bots, power users, shared devices) send much of it,
// and that skew decides how evenly partition keys spread over shards. The sampler keeps the
// cumulative weights and binary-searches them, so a draw costs O(log n) and no allocation.
#pragma once

#include <cstddef>
#include <random>
#include <vector>

namespace streamhook::bench {

class ZipfSampler {
 public:
  // n >= 1 ranks; exponent s >= 0 (0 is uniform, ~1 is the classic Zipf skew).
  ZipfSampler(size_t n, double s);

  // A rank in [0, n): 0 is the most frequent.
  size_t Sample(std::mt19937_64& rng) const;

  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;  // cumulative_[k] = sum of weights of ranks 0..k
};

}  // namespace streamhook::bench
