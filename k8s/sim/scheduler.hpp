#pragma once
// The simulated controllers' single thread: tasks run one at a time, either as soon as possible or at
// a time. It sleeps on a condition variable until the next task is due, so an idle sim costs no CPU.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace brokkr::k8s::sim {

class scheduler {
 public:
  using clock = std::chrono::steady_clock;
  using task = std::function<void()>;

  scheduler();
  ~scheduler();  // stop()
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // Returns an id for cancel(). Tasks due at the same time run in the order they were added.
  uint64_t post(task t) { return at(clock::now(), std::move(t)); }
  uint64_t after(std::chrono::milliseconds delay, task t) { return at(clock::now() + delay, std::move(t)); }
  uint64_t at(clock::time_point when, task t);
  void cancel(uint64_t id);
  // Drops pending tasks and joins the thread; a running task finishes first.
  void stop();
  // Tasks waiting (for tests and /healthz).
  size_t pending() const;

 private:
  void run();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<clock::time_point, std::pair<uint64_t, task>> tasks_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace brokkr::k8s::sim
