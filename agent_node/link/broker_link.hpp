#pragma once
// The agent's side of the broker, whichever the transport (--transport caf|http): the dispatcher
// claims, heartbeats, reports and asks what it holds through this interface. Errors are caf::error
// with brokkr::errc codes (conflict: the claim is not ours any more; unavailable: try again later).
//
// The link tells its listener (the dispatcher) about:
//   (available_atom, id)  work may be claimable ("" = look for any)     [CAF pushes]
//   (cancel_atom, id)     the broker asks to stop work id               [CAF pushes]
//   (resync_atom)         (re)connected: compare what you run with what you hold
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/agent_protocol.hpp"

namespace brokkr::agent {

using broker_link_actor = caf::typed_actor<
    caf::replies_to<claimnext_atom, std::vector<std::string>>::with<std::vector<work_item>>,
    caf::replies_to<heartbeat_atom, std::string, int32_t>::with<bool>,
    caf::replies_to<complete_atom, std::string, completion_msg>::with<work_item>,
    caf::replies_to<held_atom>::with<std::vector<work_item>>,
    caf::reacts_to<caf::subscribe_atom, caf::actor>,
    // Connected to the broker right now?
    caf::replies_to<stats_atom>::with<bool>>;

}  // namespace brokkr::agent
