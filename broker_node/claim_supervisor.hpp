#pragma once
#include "actors/claim_protocol.hpp"
#include "broker_node/work_item_actor.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::broker {

struct claim_supervisor_config {
  int rehydrate_page = 1000;        // ids read per page when rehydrating
  int max_restarts_per_item = 5;    // an item actor that keeps crashing is left to the sweep
};

claim_supervisor_actor spawn_claim_supervisor(caf::actor_system& sys, work_item_deps deps,
                                              claim_supervisor_config cfg = {});

}  // namespace brokkr::broker
