#pragma once
// Exponential backoff with jitter: the one implementation behind every retry loop (the database
// pool, the LISTEN connection, the agent's broker links and report retries, the Kubernetes client
// and its reflectors).
//
//   delay(attempt) = min(initial * factor^attempt, cap) * (1 + jitter * r)
//
// with r drawn by the caller's policy: uniform in [-1, 1] for reconnects (clients cut off together
// spread both ways), uniform in [0, 1) for client-go style retries (never sooner than the base).
// The cap applies before the jitter, so many clients never retry in lock step at the cap.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>

namespace brokkr {

struct backoff_policy {
  std::chrono::milliseconds initial{800};  // client-go's reflector: 800 ms ...
  std::chrono::milliseconds cap{30000};    // ... up to 30 s
  double factor = 2.0;
  double jitter = 0.2;
};

// Delay before retry number `attempt` (0-based); r in [-1, 1] (clamped).
std::chrono::milliseconds backoff_delay(const backoff_policy& p, int attempt, double r);

// The stateful helper: next() after each failure, reset() after a success. Not thread-safe: one
// per actor or per client.
class backoff {
 public:
  using duration = std::chrono::milliseconds;
  enum class spread { both_ways, upward };

  backoff() : backoff(backoff_policy{duration{0}, duration{0}, 2.0, 0.0}) {}
  explicit backoff(backoff_policy p, uint64_t seed = std::random_device{}(), spread s = spread::upward)
      : policy_(p), spread_(s), rng_(seed) {
    policy_.cap = std::max(policy_.cap, policy_.initial);
  }

  duration next() {
    const double r = policy_.jitter <= 0.0 ? 0.0
                     : spread_ == spread::upward ? std::uniform_real_distribution<double>(0.0, 1.0)(rng_)
                                                 : std::uniform_real_distribution<double>(-1.0, 1.0)(rng_);
    current_ = backoff_delay({policy_.initial, policy_.cap, policy_.factor, 0.0}, attempt_, 0.0);
    return backoff_delay(policy_, attempt_++, r);
  }
  void reset() {
    attempt_ = 0;
    current_ = duration{0};
  }
  int attempts() const { return attempt_; }
  // The un-jittered delay of the last failure (0 after reset).
  duration current() const { return current_; }

 private:
  backoff_policy policy_;
  spread spread_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
  duration current_{0};
};

// Reconnecting to something that went away: `min` doubling to `max`, jitter both ways.
inline backoff reconnect_backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, double jitter = 0.0,
                                 uint64_t seed = std::random_device{}()) {
  return backoff(backoff_policy{min, max, 2.0, jitter}, seed, backoff::spread::both_ways);
}

}  // namespace brokkr
