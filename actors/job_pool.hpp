#pragma once
// A pool of detached workers for blocking I/O (libpq, libcurl), so that it never runs on CAF's
// cooperative scheduler threads (STYLE.md 5.6). A job is a function over the worker's resource
// (a database connection, a Kubernetes client); the dispatcher hands each job to an idle worker,
// queues the rest up to a bound, and answers `overloaded` beyond it, so callers fail fast.
// Workers are monitored and replaced if one dies; they stop with the dispatcher.
//
// Include only where pools are spawned: this header brings in caf/all.hpp.
#include <caf/all.hpp>

#include <deque>
#include <functional>
#include <string>

#include "actors/atoms.hpp"

namespace brokkr {

template <class Job, class Reply>
using job_actor = caf::typed_actor<typename caf::replies_to<run_atom, Job>::template with<Reply>>;

template <class Job, class Reply>
struct job_pool_config {
  int size = 4;
  size_t max_queued = 10000;
  std::string name = "job_pool";
  std::function<job_actor<Job, Reply>(caf::actor_system&)> make_worker;  // spawns one (detached) worker
  std::function<Reply(std::string why)> failure;                         // the answer when no worker can
};

namespace detail {

template <class Job, class Reply>
struct pending_job {
  Job job;
  caf::typed_response_promise<Reply> promise;
};

template <class Job, class Reply>
struct job_pool_state {
  static inline const char* name = "job_pool";
  job_pool_config<Job, Reply> cfg;
  std::vector<job_actor<Job, Reply>> workers;
  std::deque<job_actor<Job, Reply>> idle;
  std::deque<pending_job<Job, Reply>> queue;
};

template <class Job, class Reply>
using pool_self = typename job_actor<Job, Reply>::template stateful_pointer<job_pool_state<Job, Reply>>;

template <class Job, class Reply>
void add_worker(pool_self<Job, Reply> self) {
  auto w = self->state.cfg.make_worker(self->system());
  self->monitor(w);
  self->state.workers.push_back(w);
  self->state.idle.push_back(w);
}

template <class Job, class Reply>
void pump(pool_self<Job, Reply> self) {
  auto& st = self->state;
  while (!st.idle.empty() && !st.queue.empty()) {
    auto worker = st.idle.front();
    st.idle.pop_front();
    auto p = std::move(st.queue.front());
    st.queue.pop_front();
    self->request(worker, caf::infinite, run_atom::value, std::move(p.job))
        .then(
            [self, worker, promise = p.promise](Reply& r) mutable {
              promise.deliver(std::move(r));
              self->state.idle.push_back(worker);
              pump<Job, Reply>(self);
            },
            [self, promise = p.promise](caf::error& e) mutable {
              // The worker died mid-job; the down handler replaces it.
              promise.deliver(self->state.cfg.failure("worker failed: " + self->system().render(e)));
            });
  }
}

template <class Job, class Reply>
typename job_actor<Job, Reply>::behavior_type job_pool_fn(pool_self<Job, Reply> self, job_pool_config<Job, Reply> cfg) {
  self->state.cfg = std::move(cfg);
  for (int i = 0; i < std::max(self->state.cfg.size, 1); ++i) add_worker<Job, Reply>(self);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto dead = [&](const job_actor<Job, Reply>& w) { return w.address() == dm.source; };
    st.workers.erase(std::remove_if(st.workers.begin(), st.workers.end(), dead), st.workers.end());
    st.idle.erase(std::remove_if(st.idle.begin(), st.idle.end(), dead), st.idle.end());
    add_worker<Job, Reply>(self);
    pump<Job, Reply>(self);
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& w : self->state.workers) self->send_exit(w, em.reason);
    self->quit(em.reason);
  });
  return {
      [self](run_atom, Job& job) -> caf::typed_response_promise<Reply> {
        auto promise = self->template make_response_promise<Reply>();
        auto& st = self->state;
        if (st.queue.size() >= st.cfg.max_queued) {
          promise.deliver(st.cfg.failure(st.cfg.name + " busy: " + std::to_string(st.cfg.max_queued) + " jobs queued"));
          return promise;
        }
        st.queue.push_back({std::move(job), promise});
        pump<Job, Reply>(self);
        return promise;
      },
  };
}

}  // namespace detail

template <class Job, class Reply>
job_actor<Job, Reply> spawn_job_pool(caf::actor_system& sys, job_pool_config<Job, Reply> cfg) {
  return sys.spawn(detail::job_pool_fn<Job, Reply>, std::move(cfg));
}

}  // namespace brokkr
