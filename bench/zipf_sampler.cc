#include "zipf_sampler.h"

#include <algorithm>
#include <cmath>

namespace streamhook::bench {

ZipfSampler::ZipfSampler(size_t n, double s) {
  cumulative_.reserve(std::max<size_t>(n, 1));
  double total = 0;
  for (size_t k = 0; k < std::max<size_t>(n, 1); ++k) {
    total += 1.0 / std::pow(static_cast<double>(k + 1), s);
    cumulative_.push_back(total);
  }
}

size_t ZipfSampler::Sample(std::mt19937_64& rng) const {
  std::uniform_real_distribution<double> uniform(0.0, cumulative_.back());
  const double u = uniform(rng);
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  return std::min(static_cast<size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
}

}  // namespace streamhook::bench
