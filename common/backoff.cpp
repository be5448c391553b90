#include "common/backoff.hpp"

#include <cmath>

namespace brokkr {

std::chrono::milliseconds backoff_delay(const backoff_policy& p, int attempt, double r) {
  const double base = static_cast<double>(p.initial.count()) * std::pow(p.factor, std::clamp(attempt, 0, 64));
  const double capped = std::min(base, static_cast<double>(std::max(p.cap, p.initial).count()));
  const double jittered = capped * (1.0 + p.jitter * std::clamp(r, -1.0, 1.0));
  return std::chrono::milliseconds(static_cast<int64_t>(jittered));
}

}  // namespace brokkr
