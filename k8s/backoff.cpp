#include "k8s/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace brokkr::k8s {

std::chrono::milliseconds backoff_delay(const backoff_policy& p, int attempt, double r) {
  const double base = static_cast<double>(p.initial.count()) * std::pow(p.factor, std::max(attempt, 0));
  const double capped = std::min(base, static_cast<double>(p.cap.count()));
  const double jittered = capped * (1.0 + p.jitter * std::clamp(r, 0.0, 1.0));
  return std::chrono::milliseconds(static_cast<int64_t>(jittered));
}

}  // namespace brokkr::k8s
