#pragma once
// Kubernetes calls run on a pool of detached workers, each with its own k8s::client (libcurl
// blocks; one client per thread). Agent actors send jobs and get typed results back.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

#include "actors/atoms.hpp"
#include "actors/job.hpp"
#include "k8s/api_status.hpp"
#include "k8s/client.hpp"

namespace caf {
class actor_system;
class error;
}

namespace brokkr::agent {

using k8s_reply = job_reply<k8s::api_status>;
using k8s_job = job<k8s::client, k8s::api_status>;
using k8s_pool_actor = caf::typed_actor<caf::replies_to<run_atom, k8s_job>::with<k8s_reply>>;

template <class T>
using k8s_job_of = typed_job<T, k8s::client, k8s::api_status>;

template <class T, class Fn>
k8s_job_of<T> make_k8s_job(std::string name, Fn fn) {
  return make_typed_job<T, k8s::client, k8s::api_status>(std::move(name), std::move(fn));
}

// A job that never answered: the pool or its worker is gone, or the call outlived its timeout.
k8s::api_status k8s_job_failure(const caf::error& e);

// Whether the API server answered the last call (any HTTP answer counts, even 403): /readyz.
struct k8s_health {
  std::atomic<bool> reachable{false};
  // When `reachable` was last set (steady clock, ns since its epoch): the prober skips its own call
  // while the work's calls keep it fresh.
  std::atomic<int64_t> recorded_at{0};
  void record(bool is_reachable);
  bool recorded_within(std::chrono::milliseconds d) const;
};

k8s_pool_actor spawn_k8s_pool(caf::actor_system& sys, k8s::cluster_config cluster, int size,
                              std::shared_ptr<k8s_health> health);

}  // namespace brokkr::agent

template <>
struct brokkr::job_errors<brokkr::k8s::api_status> {
  static brokkr::k8s::api_status from(const caf::error& e) { return brokkr::agent::k8s_job_failure(e); }
};

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::k8s_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::k8s_reply)
