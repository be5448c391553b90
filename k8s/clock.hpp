#pragma once
// Time as the client's retries and the reflector's backoff see it. Injectable so tests run backoff
// schedules instantly and assert on them (client-go's reflector takes a Clock for the same reason).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

namespace brokkr::k8s {

class clock {
 public:
  virtual ~clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  // Waits for `d`; returns false early when `stop` turns true (checked at least every 50 ms).
  virtual bool sleep_for(std::chrono::milliseconds d, const std::atomic<bool>* stop) = 0;
};

// The real thing, shared.
std::shared_ptr<clock> system_clock();

// A clock that never waits: each sleep is recorded and advances now() at once.
class manual_clock final : public clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  bool sleep_for(std::chrono::milliseconds d, const std::atomic<bool>* stop) override {
    std::lock_guard lock(mu_);
    sleeps_.push_back(d);
    now_ += d;
    return !(stop && stop->load());
  }
  std::vector<std::chrono::milliseconds> sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point now_{};
  std::vector<std::chrono::milliseconds> sleeps_;
};

}  // namespace brokkr::k8s
