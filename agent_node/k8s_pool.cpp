#include "agent_node/k8s_pool.hpp"

#include "actors/job_pool.hpp"

namespace brokkr::agent {
namespace {

// A worker's resource is its own client (connection reuse, one curl handle per thread).
std::function<k8s_reply(k8s_job&)> k8s_runner(const k8s::cluster_config& cluster, const std::shared_ptr<k8s_health>& health) {
  auto client = std::make_shared<k8s::client>(cluster);
  return [client, health](k8s_job& job) -> k8s_reply {
    auto reply = job.run(*client);
    health->record(!reply.error || reply.error->origin != k8s::error_origin::transport);
    return reply;
  };
}

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void k8s_health::record(bool is_reachable) {
  reachable = is_reachable;
  recorded_at = steady_now_ns();
}

bool k8s_health::recorded_within(std::chrono::milliseconds d) const {
  const auto at = recorded_at.load();
  return at != 0 && steady_now_ns() - at < std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

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
  cfg.make_runner = [cluster, health] { return k8s_runner(cluster, health); };
  return spawn_job_pool(sys, std::move(cfg)).actor;
}

}  // namespace brokkr::agent
