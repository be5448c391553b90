#pragma once
// A pool of worker threads for blocking I/O (libpq, libcurl), so that it never runs on CAF's
// cooperative scheduler threads (STYLE.md 5.6). A job is a function over the worker's resource
// (a database connection, a Kubernetes client). All workers take their jobs from one shared
// queue (actors/job_queue.hpp), so a job costs one hand-off to an idle worker and one back
// (ADR 0059):
//   - an actor asks the front actor, request(pool, timeout, run_atom, job) -> Reply; the front
//     queues the job and the worker sends the reply straight to the asking actor;
//   - any other thread submits to the queue itself, with a callback run on the worker.
// The queue is bounded and answers `failure` beyond it, so callers fail fast. A job that throws is
// answered with `failure` and its worker builds a fresh resource. With `max_group` above one,
// waiting jobs of one group (Job::group, e.g. completions) run together as one call: group commit. Workers are detached blocking
// actors, so the actor system waits for them at shutdown; they end when the front actor does.
//
// Include only where pools are spawned: this header brings in caf/all.hpp.
#include <caf/all.hpp>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "actors/atoms.hpp"
#include "actors/job_queue.hpp"
#include "common/log.hpp"

namespace brokkr {

template <class Job, class Reply>
using job_actor = caf::typed_actor<typename caf::replies_to<run_atom, Job>::template with<Reply>>;

template <class Job, class Reply>
struct job_pool_config {
  int size = 4;
  size_t max_queued = 10000;
  std::string name = "job_pool";
  // Called on each worker's own thread: builds the worker's resource and returns what runs a job
  // on it. Called again after a job threw.
  std::function<std::function<Reply(Job&)>()> make_runner;
  std::function<Reply(std::string why)> failure;  // the answer when no worker can
  std::function<Reply()> expired;                 // a job queued past its deadline (direct callers)
  size_t max_group = 1;                           // group commit: jobs of one group run together
};

template <class Job, class Reply>
struct job_pool {
  job_actor<Job, Reply> actor;                      // for actors
  std::shared_ptr<job_queue<Job, Reply>> queue;     // for everyone else
};

namespace detail {

// Runs `f`, turning an exception into the pool's failure and a fresh resource.
template <class Job, class Reply, class F>
Reply guarded_run(job_queue<Job, Reply>& q, std::function<Reply(Job&)>& run,
                  const std::function<std::function<Reply(Job&)>()>& make_runner, const std::string& name, F f) {
  try {
    return f();
  } catch (const std::exception& ex) {
    log::warn("pool", name, ": a job threw (", ex.what(), "); the worker starts afresh");
    run = make_runner();
    return q.failure(std::string("worker failed: ") + ex.what());
  }
}

template <class Job, class Reply>
void answer(typename job_queue<Job, Reply>::entry& e, Reply r, const std::string& name) {
  try {
    e.done(std::move(r));
  } catch (const std::exception& ex) {
    // A caller's continuation; its request is dropped (an HTTP responder answers 500 then).
    log::warn("pool", name, ": a job's continuation threw: ", ex.what());
  }
}

template <class Job, class Reply>
void job_worker(caf::blocking_actor*, std::shared_ptr<job_queue<Job, Reply>> q,
                std::function<std::function<Reply(Job&)>()> make_runner, std::string name, size_t max_group) {
  auto run = make_runner();
  for (;;) {
    auto batch = q->take(max_group);
    if (batch.empty()) return;
    if (batch.size() == 1) {
      auto r = guarded_run(*q, run, make_runner, name, [&] { return run(batch.front().job); });
      answer<Job, Reply>(batch.front(), std::move(r), name);
      continue;
    }
    // A group runs as one job through the runner (so its reconnect and health rules apply); its
    // answers come back beside the runner's reply. A group whose every member failed failed as a
    // whole (its statement, or the resource under it): the runner sees the first member's error,
    // so that a lost or stale connection is replaced after a group as after a job alone.
    std::vector<std::shared_ptr<const void>> payloads;
    for (const auto& e : batch) payloads.push_back(e.job.payload);
    auto answers = std::make_shared<std::vector<Reply>>();
    Job group;
    group.name = batch.front().job.name + " x" + std::to_string(batch.size());
    group.run = [g = batch.front().job.group, payloads, answers](auto& resource) {
      *answers = g(resource, payloads);
      Reply whole{};
      if (!answers->empty() && std::all_of(answers->begin(), answers->end(), [](const Reply& a) { return bool(a.error); }))
        whole.error = answers->front().error;
      return whole;
    };
    auto r = guarded_run(*q, run, make_runner, name, [&] { return run(group); });
    // Answered in full: each member gets its own answer, whatever the group's reply says.
    const bool each = answers->size() == batch.size();
    if (!each && !r.error) r = q->failure("a group of " + std::to_string(batch.size()) + " jobs was not answered in full");
    for (size_t i = 0; i < batch.size(); ++i) answer<Job, Reply>(batch[i], each ? std::move((*answers)[i]) : r, name);
  }
}

template <class Job, class Reply>
struct job_pool_state {
  static inline const char* name = "job_pool";
  std::shared_ptr<job_queue<Job, Reply>> queue;
  ~job_pool_state() {
    if (queue) queue->close();
  }
};

template <class Job, class Reply>
using pool_self = typename job_actor<Job, Reply>::template stateful_pointer<job_pool_state<Job, Reply>>;

template <class Job, class Reply>
typename job_actor<Job, Reply>::behavior_type job_pool_fn(pool_self<Job, Reply> self,
                                                           std::shared_ptr<job_queue<Job, Reply>> q) {
  self->state.queue = std::move(q);
  self->set_exit_handler([self](caf::exit_msg& em) {
    self->state.queue->close();
    self->quit(em.reason);
  });
  return {
      [self](run_atom, Job& job) -> caf::result<Reply> {
        // The worker answers the asking actor itself, with a null execution context: it is not a
        // scheduler thread, so the requester is scheduled like any message from outside CAF.
        // The pool names itself as the sender through a weak reference: a worker may answer after
        // the pool has quit and been destroyed (a broker shutting down), and a raw pointer to it
        // was then a use after free (ASan, e2e_broker graceful_shutdown_exits_zero).
        auto rp = self->make_response_promise();
        self->state.queue->submit(std::move(job), [from = caf::weak_actor_ptr{self->ctrl()}, to = rp.source(),
                                                   id = rp.id()](Reply r) {
          if (to) to->enqueue(caf::make_mailbox_element(from.lock(), id.response_id(), {}, std::move(r)), nullptr);
        });
        return caf::delegated<Reply>{};
      },
  };
}

}  // namespace detail

template <class Job, class Reply>
job_pool<Job, Reply> spawn_job_pool(caf::actor_system& sys, job_pool_config<Job, Reply> cfg) {
  auto q = std::make_shared<job_queue<Job, Reply>>(cfg.name, cfg.max_queued, cfg.failure,
                                                   cfg.expired ? cfg.expired : [f = cfg.failure] { return f("expired"); });
  for (int i = 0; i < std::max(cfg.size, 1); ++i)
    sys.spawn<caf::detached>(detail::job_worker<Job, Reply>, q, cfg.make_runner, cfg.name, cfg.max_group);
  return {sys.spawn(detail::job_pool_fn<Job, Reply>, q), q};
}

}  // namespace brokkr
