#pragma once
// The agent's half of live logs: for each request the broker makes (through the link, the
// dispatcher and the item's handler) it follows one container of the run's pod with
// pods/log?follow=true on a thread of its own (libcurl blocks, and a follow lasts as long as the
// build) and sends the bytes to the broker, one chunk in flight: the broker's answer paces the
// stream and says when nobody reads any more. A newer request for the same item and step replaces
// the running one.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "actors/log_protocol.hpp"
#include "agent_node/link/broker_link.hpp"
#include "k8s/cluster_config.hpp"

namespace caf {
class actor_system;
}

namespace brokkr::agent {

using log_streamer_actor = caf::typed_actor<
    // Stream the request's container of BuildRun `buildrun` in namespace `ns`.
    caf::reacts_to<logs_atom, log_stream_request, std::string, std::string>,
    // There is no log for this request: the broker's stream ends with `note`.
    caf::reacts_to<logend_atom, log_stream_request, std::string>>;

log_streamer_actor spawn_log_streamer(caf::actor_system& sys, k8s::cluster_config cluster, broker_link_actor link);

}  // namespace brokkr::agent
