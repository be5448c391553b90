#include "k8s/sim/scheduler.hpp"

#include "common/log.hpp"

namespace brokkr::k8s::sim {

scheduler::scheduler() : thread_([this] { run(); }) {}

scheduler::~scheduler() { stop(); }

uint64_t scheduler::at(clock::time_point when, task t) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  tasks_.emplace(when, std::make_pair(id, std::move(t)));
  cv_.notify_one();
  return id;
}

void scheduler::cancel(uint64_t id) {
  std::lock_guard lock(mu_);
  for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
    if (it->second.first == id) {
      tasks_.erase(it);
      return;
    }
  }
}

void scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
    tasks_.clear();
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

size_t scheduler::pending() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void scheduler::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto due = tasks_.begin()->first;
    if (due > clock::now()) {
      cv_.wait_until(lock, due);
      continue;
    }
    task t = std::move(tasks_.begin()->second.second);
    tasks_.erase(tasks_.begin());
    lock.unlock();
    try {
      t();
    } catch (const std::exception& e) {
      log::error("sim", "controller task failed: ", e.what());
    }
    lock.lock();
  }
}

}  // namespace brokkr::k8s::sim
