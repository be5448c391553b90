#pragma once
// The persistence actors' protocol. A job is a function over the repositories that runs on one
// of the pool's detached workers (each owning a libpq connection), so blocking I/O never runs on
// CAF's cooperative scheduler. The repository API is the protocol's vocabulary: a caller writes
//   request_job(self, db, timeout, make_job<work_item>("get", [id](repositories& r) { return r.work.get(id); }),
//               [](work_item w) {...}, [](db_error e) {...});
// instead of mirroring every repository method as a message type. Jobs are in-process only; they
// never cross the wire (docs/adr/0003).
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/atoms.hpp"
#include "actors/job.hpp"
#include "actors/job_queue.hpp"
#include "persistence/admin_key_repository.hpp"
#include "persistence/agent_repository.hpp"
#include "persistence/db_error.hpp"
#include "persistence/ephemeral_work_repository.hpp"

namespace caf {
class actor_system;
class error;
}

namespace brokkr::persistence {

// One connection's repositories (owned by a worker, rebuilt on reconnect).
struct repositories {
  repositories(db_connection& c, work_queue_config cfg) : work(c, cfg), agents(c), admin_keys(c) {}
  ephemeral_work_repository work;
  agent_repository agents;
  admin_key_repository admin_keys;
};

using db_reply = brokkr::job_reply<db_error>;
using db_job = brokkr::job<repositories, db_error>;

using run_atom = brokkr::run_atom;
using persistence_actor = caf::typed_actor<caf::replies_to<run_atom, db_job>::with<db_reply>>;

// A database job whose result is a T.
template <class T>
using db_job_of = brokkr::typed_job<T, repositories, db_error>;

template <class T, class Fn>
db_job_of<T> make_job(std::string name, Fn fn) {
  return make_typed_job<T, repositories, db_error>(std::move(name), std::move(fn));
}

// A job that never ran or never answered: the caller's timeout, or the pool gone.
db_error job_failure(const caf::error& e);

// Whether PostgreSQL answered the last time anyone asked: /readyz and fail-fast read it.
// Written by the workers and the notification listener, read by anyone.
struct db_health {
  std::atomic<bool> up{false};
  std::atomic<uint64_t> reconnects{0};
  std::atomic<uint64_t> outages{0};
  void mark_up();
  void mark_down();
};

struct pool_config {
  std::string url;
  int size = 4;                                    // workers = connections
  work_queue_config queue;
  std::chrono::milliseconds reconnect_min{200};    // first retry after an outage
  std::chrono::milliseconds reconnect_max{5000};   // backoff cap between connection attempts
  size_t max_queued = 10000;                       // beyond this, jobs fail fast as unavailable
  size_t max_group = 100;                          // group commit: completions written together
};

// The pool's queue, for callers that are not actors: `done` runs on the worker (ADR 0059).
using db_queue = brokkr::job_queue<db_job, db_reply>;

struct db_pool {
  persistence_actor actor;
  std::shared_ptr<db_queue> queue;
};

// Spawns the workers (detached, one connection each) and the front actor that queues actors' jobs.
db_pool spawn_db_pool(caf::actor_system& sys, pool_config cfg, std::shared_ptr<db_health> health);

}  // namespace brokkr::persistence

template <>
struct brokkr::job_errors<brokkr::persistence::db_error> {
  static brokkr::persistence::db_error from(const caf::error& e) { return brokkr::persistence::job_failure(e); }
};

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::persistence::db_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::persistence::db_reply)
