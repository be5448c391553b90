#pragma once
// Exponential backoff with jitter, as a pure function and a small stateful helper.
#include <chrono>
#include <cstdint>
#include <random>

namespace brokkr::k8s {

struct backoff_policy {
  std::chrono::milliseconds initial{800};  // client-go's reflector: 800 ms ...
  std::chrono::milliseconds cap{30000};    // ... up to 30 s
  double factor = 2.0;
  double jitter = 0.2;  // the delay is stretched by up to this fraction, at random
};

// Delay before retry number `attempt` (0-based): min(initial * factor^attempt, cap) * (1 + jitter * r),
// with r in [0, 1). The cap applies before the jitter so many clients do not retry in lock step.
std::chrono::milliseconds backoff_delay(const backoff_policy& p, int attempt, double r);

class backoff {
 public:
  explicit backoff(backoff_policy p, uint64_t seed = std::random_device{}()) : policy_(p), rng_(seed) {}
  std::chrono::milliseconds next() {
    return backoff_delay(policy_, attempt_++, std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
  }
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  backoff_policy policy_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace brokkr::k8s
