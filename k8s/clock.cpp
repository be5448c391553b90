#include "k8s/clock.hpp"

#include <algorithm>
#include <thread>

namespace brokkr::k8s {
namespace {

class real_clock final : public clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  bool sleep_for(std::chrono::milliseconds d, const std::atomic<bool>* stop) override {
    const auto deadline = std::chrono::steady_clock::now() + d;
    while (true) {
      if (stop && stop->load()) return false;
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return true;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
  }
};

}  // namespace

std::shared_ptr<clock> system_clock() {
  static const auto instance = std::make_shared<real_clock>();
  return instance;
}

}  // namespace brokkr::k8s
