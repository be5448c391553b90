#include "tests/support/factories.hpp"

#include <atomic>
#include <stdexcept>

namespace brokkr::test {

std::string sample_build_spec(const std::string& name) {
  return "apiVersion: shipwright.io/v1beta1\n"
         "kind: Build\n"
         "metadata:\n"
         "  name: " + name + "\n"
         "spec:\n"
         "  source:\n"
         "    type: Git\n"
         "    git:\n"
         "      url: https://git.example.com/org/app\n"
         "  strategy:\n"
         "    kind: ClusterBuildStrategy\n"
         "    name: buildah-shipwright-managed-push\n"
         "  output:\n"
         "    image: registry.example.com/org/app:1.0\n";
}

agent_record make_agent(persistence::agent_repository& repo, agent_opts o) {
  static std::atomic<int> n{0};
  persistence::agent_create_params p;
  p.name = o.name.empty() ? "agent-" + std::to_string(n++) : o.name;
  p.cluster_name = o.cluster;
  p.labels = o.labels;
  p.annotations = o.annotations;
  p.status = o.status;
  auto r = repo.create(p);
  if (!r) throw std::runtime_error("make_agent: " + r.error().message);
  return r->agent;
}

work_request make_request(const work_opts& o) {
  work_request req;
  req.work_type = o.work_type;
  req.crd_spec = o.work_type == "shipwright-build"
                     ? sample_build_spec()
                     : "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";
  req.targets.agent_ids = o.agent_ids;
  req.targets.labels = o.labels;
  req.targets.annotations = o.annotations;
  req.targets.match = o.match;
  req.max_retries = o.max_retries;
  req.claim_timeout_seconds = o.claim_timeout_seconds;
  req.ttl_seconds = o.ttl_seconds;
  req.backoff_base_seconds = o.backoff_base_seconds;
  req.lease_seconds = o.lease_seconds;
  req.priority = o.priority;
  req.idempotency_key = o.idempotency_key;
  return req;
}

work_item make_work(persistence::ephemeral_work_repository& repo, const work_opts& o) {
  auto r = repo.create(make_request(o));
  if (!r) throw std::runtime_error("make_work: " + r.error().field + ": " + r.error().message);
  return r->item;
}

persistence::db_result<std::optional<work_item>> claim_one(persistence::ephemeral_work_repository& repo,
                                                           const std::string& agent_id,
                                                           const std::vector<std::string>& work_types) {
  auto items = repo.claim_next(agent_id, work_types, 1);
  if (!items) return unexpected(items.error());
  if (items->empty()) return std::optional<work_item>{};
  return std::optional<work_item>{std::move(items->front())};
}

completion_report for_item(const std::string& id, completion_report r) {
  r.work_id = id;
  return r;
}

}  // namespace brokkr::test
