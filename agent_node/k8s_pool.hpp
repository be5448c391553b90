#pragma once
// Kubernetes calls run on a pool of detached workers, each with its own k8s::client (libcurl
// blocks; one client per thread). Agent actors send jobs and get typed results back.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <atomic>
#include <memory>

#include "actors/atoms.hpp"
#include "actors/job.hpp"
#include "k8s/api_status.hpp"
#include "k8s/client.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::agent {

using k8s_reply = job_reply<k8s::api_status>;
using k8s_job = job<k8s::client, k8s::api_status>;
using k8s_pool_actor = caf::typed_actor<caf::replies_to<run_atom, k8s_job>::with<k8s_reply>>;

template <class T, class Fn>
k8s_job make_k8s_job(std::string name, Fn fn) {
  return make_typed_job<T, k8s::client, k8s::api_status>(std::move(name), std::move(fn));
}

// Whether the API server answered the last call (any HTTP answer counts, even 403): /readyz.
struct k8s_health {
  std::atomic<bool> reachable{false};
};

k8s_pool_actor spawn_k8s_pool(caf::actor_system& sys, k8s::cluster_config cluster, int size,
                              std::shared_ptr<k8s_health> health);

}  // namespace brokkr::agent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::k8s_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::k8s_reply)
