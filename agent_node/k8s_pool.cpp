#include "agent_node/k8s_pool.hpp"

#include "actors/job_pool.hpp"

namespace brokkr::agent {
namespace {

struct worker_state {
  static inline const char* name = "k8s_worker";
  std::unique_ptr<k8s::client> client;
};

k8s_pool_actor::behavior_type k8s_worker(k8s_pool_actor::stateful_pointer<worker_state> self, k8s::cluster_config cluster,
                                         std::shared_ptr<k8s_health> health) {
  self->state.client = std::make_unique<k8s::client>(std::move(cluster));
  return {
      [self, health](run_atom, k8s_job& job) -> k8s_reply {
        auto reply = job.run(*self->state.client);
        health->reachable = !reply.error || reply.error->origin != k8s::error_origin::transport;
        return reply;
      },
  };
}

}  // namespace

k8s::api_status k8s_job_failure(const caf::error& e) {
  k8s::api_status st;
  st.origin = k8s::error_origin::agent;
  st.reason = e == caf::sec::request_timeout ? "Timeout" : "PoolUnavailable";
  st.message = caf::to_string(e);
  return st;
}

k8s_pool_actor spawn_k8s_pool(caf::actor_system& sys, k8s::cluster_config cluster, int size,
                              std::shared_ptr<k8s_health> health) {
  job_pool_config<k8s_job, k8s_reply> cfg;
  cfg.size = size;
  cfg.name = "kubernetes pool";
  cfg.failure = [](std::string why) {
    k8s::api_status st;
    st.origin = k8s::error_origin::agent;
    st.reason = "PoolUnavailable";
    st.message = std::move(why);
    return k8s_reply{nullptr, st};
  };
  cfg.make_worker = [cluster, health](caf::actor_system& s) {
    return s.spawn<caf::detached>(k8s_worker, cluster, health);
  };
  return spawn_job_pool(sys, std::move(cfg));
}

}  // namespace brokkr::agent
