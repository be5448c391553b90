#pragma once
// The queue every worker of a job pool (actors/job_pool.hpp) takes its next job from. Any thread
// may submit; `done` runs on the worker that ran the job, so a caller that is not an actor (the
// HTTP facade) pays one hand-off to a worker and one back, and nothing in between (ADR 0059).
// Bounded: beyond `max_queued` jobs, or once closed, `done` gets the pool's failure at once, on
// the submitting thread, so callers fail fast instead of queueing without end.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brokkr {

template <class Job, class Reply>
class job_queue {
 public:
  using clock = std::chrono::steady_clock;
  using done_fn = std::function<void(Reply)>;

  struct entry {
    Job job;
    done_fn done;
    clock::time_point deadline;
  };

  // `failure(why)`: the answer when no worker will run a job; `expired()`: the answer to a job
  // still queued at its deadline (its caller has given up on it, so it is not run).
  job_queue(std::string name, size_t max_queued, std::function<Reply(std::string)> failure,
            std::function<Reply()> expired)
      : name_(std::move(name)), max_queued_(max_queued), failure_(std::move(failure)), expired_(std::move(expired)) {}

  void submit(Job job, done_fn done, clock::time_point deadline = clock::time_point::max()) {
    std::unique_lock lock(mu_);
    if (closed_) {
      lock.unlock();
      return done(failure_(name_ + " stopped"));
    }
    if (queue_.size() >= max_queued_) {
      lock.unlock();
      return done(failure_(name_ + " busy: " + std::to_string(max_queued_) + " jobs queued"));
    }
    queue_.push_back(entry{std::move(job), std::move(done), deadline});
    lock.unlock();
    ready_.notify_one();
  }

  // The next jobs to run: one, or with group commit (ADR 0059) the first and up to max_group - 1
  // more of its group (Job::group) from the queue's head; empty once closed. Jobs past their
  // deadline are answered here instead.
  std::vector<entry> take(size_t max_group = 1) {
    for (;;) {
      std::vector<entry> out;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [this] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return out;
        out.push_back(std::move(queue_.front()));
        queue_.pop_front();
        const auto group = out.front().job.group;
        if (group != nullptr && max_group > 1) {
          // Only the head of the queue is searched: a long queue would make every take slow.
          size_t seen = 0;
          for (auto it = queue_.begin(); it != queue_.end() && out.size() < max_group && seen < group_scan; ++seen) {
            if (it->job.group != group) {
              ++it;
              continue;
            }
            out.push_back(std::move(*it));
            it = queue_.erase(it);
          }
        }
      }
      std::vector<entry> live;
      const auto now = clock::now();
      for (auto& e : out) {
        if (e.deadline == clock::time_point::max() || now < e.deadline) live.push_back(std::move(e));
        else e.done(expired_());
      }
      if (!live.empty()) return live;
    }
  }

  // Fails what is still queued; workers end after their current job.
  void close() {
    std::deque<entry> left;
    {
      std::lock_guard lock(mu_);
      if (closed_) return;
      closed_ = true;
      left.swap(queue_);
    }
    ready_.notify_all();
    for (auto& e : left) e.done(failure_(name_ + " stopped"));
  }

  Reply failure(std::string why) const { return failure_(std::move(why)); }

  size_t queued() const {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  static constexpr size_t group_scan = 1024;
  const std::string name_;
  const size_t max_queued_;
  const std::function<Reply(std::string)> failure_;
  const std::function<Reply()> expired_;
  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<entry> queue_;
  bool closed_ = false;
};

}  // namespace brokkr
