#pragma once
// Delays between reconnection attempts to something that went away (PostgreSQL, the broker):
// the first retry after `min`, each further one twice the last, never more than `max`. With
// jitter j, each delay is scaled by a uniform factor in [1-j, 1+j] so that clients cut off
// together do not come back in lockstep. Not thread-safe: one per actor.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace brokkr {

class reconnect_backoff {
 public:
  using duration = std::chrono::milliseconds;

  reconnect_backoff() : reconnect_backoff(duration{0}, duration{0}) {}
  reconnect_backoff(duration min, duration max, double jitter = 0.0, uint32_t seed = std::random_device{}())
      : min_(min), max_(max < min ? min : max), jitter_(jitter), rng_(seed) {}

  // The delay before the next attempt, after one more failure.
  duration next() {
    current_ = current_.count() == 0 ? min_ : std::min(current_ * 2, max_);
    if (jitter_ <= 0.0) return current_;
    std::uniform_real_distribution<double> factor(1.0 - jitter_, 1.0 + jitter_);
    return duration(static_cast<int64_t>(static_cast<double>(current_.count()) * factor(rng_)));
  }

  // Connected again: the next failure starts over at `min`.
  void reset() { current_ = duration{0}; }

  // The un-jittered delay of the last failure (0 after reset).
  duration current() const { return current_; }

 private:
  duration min_;
  duration max_;
  double jitter_;
  duration current_{0};
  std::mt19937 rng_;
};

}  // namespace brokkr
