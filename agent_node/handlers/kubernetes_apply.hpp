#pragma once
// The kubernetes-apply handler, the second work type: apply the manifests of crd_spec (server-side
// apply) and, if one of them carries brokkr.io/wait-for: condition=<Type>[=<Status>], wait for that
// condition (brokkr.io/fail-on names the failure condition; a Job fails on Failed=True by default).
// It shares the informers, the Kubernetes pool and the report path with the BuildRun watcher: the
// handler interface is not build-specific.
#include "agent_node/handlers/handler.hpp"
#include "k8s/condition.hpp"

namespace brokkr::agent {

handler_actor spawn_kubernetes_apply(caf::actor_system& sys, const handler_context& ctx, const work_item& item);

// "condition=Complete" or "condition=Ready=False" -> {type, status}; nullopt when malformed.
std::optional<k8s::condition_match> parse_condition_annotation(const std::string& text);

// The resource for an apiVersion and kind this agent knows how to apply.
std::optional<k8s::resource> resource_for(const std::string& api_version, const std::string& kind);

}  // namespace brokkr::agent
