#pragma once
// Shared informers: one LIST+WATCH (a k8s::reflector on a detached actor) per resource type and
// namespace, for the objects carrying the brokkr.io/work-id label, fanned out to the actors that
// watch one object each (the BuildRun watchers). Level-based: a new subscriber first gets the
// object's current state (or "absent" once the informer has synced), then every change.
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "actors/atoms.hpp"
#include "k8s/cluster_config.hpp"
#include "k8s/resource.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::agent {

inline constexpr const char* work_id_label = "brokkr.io/work-id";
inline constexpr const char* attempt_label = "brokkr.io/attempt";

struct watch_target {
  k8s::resource resource;
  std::string namespace_name;
  std::string name;
};

// Sent to subscribers: the object as now known; null when it does not exist (any more).
struct observed {
  std::string name;
  std::shared_ptr<const nlohmann::json> object;
};

// From a reflector thread to the hub.
struct informer_update {
  std::string informer;  // "<api version>/<plural>@<namespace>"
  int type = 0;          // k8s::reflector_event_type
  std::string name;
  std::shared_ptr<const nlohmann::json> object;
};

using observe_atom = caf::atom_constant<caf::atom("observe")>;

using informer_hub_actor = caf::typed_actor<
    // Deliver `observed` messages about one object to the subscriber until it exits.
    caf::reacts_to<observe_atom, watch_target, caf::actor>,
    caf::reacts_to<informer_update>>;

informer_hub_actor spawn_informer_hub(caf::actor_system& sys, k8s::cluster_config cluster);

}  // namespace brokkr::agent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::watch_target)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::observed)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(brokkr::agent::informer_update)
