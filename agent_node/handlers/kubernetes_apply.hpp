#pragma once
// The kubernetes-apply handler, the second work type: apply the manifests of crd_spec (server-side
// apply) and, if one of them carries brokkr.io/wait-for, wait for that condition (k8s/apply_manifest.hpp).
// It writes only to namespaces its --allowed-namespaces admit and never touches an object that exists
// without this work item's brokkr.io/work-id label.
// It shares the informers, the Kubernetes pool and the report path with the BuildRun watcher: the
// handler interface is not build-specific.
#include "agent_node/handlers/handler.hpp"

namespace brokkr::agent {

handler_actor spawn_kubernetes_apply(caf::actor_system& sys, const handler_context& ctx, const work_item& item);

}  // namespace brokkr::agent
