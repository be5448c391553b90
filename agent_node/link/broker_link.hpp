#pragma once
// The agent's side of the broker, whichever the transport (--transport caf|http): the dispatcher
// claims, heartbeats, reports and asks what it holds through this interface. Errors are caf::error
// with brokkr::errc codes (conflict: the claim is not ours any more; unavailable: try again later).
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/agent_protocol.hpp"

namespace brokkr::agent {

// What the link tells its listener (the dispatcher).
using link_listener_actor = caf::typed_actor<
    caf::reacts_to<available_atom, std::string>,  // work may be claimable ("" = look for any)  [CAF pushes]
    caf::reacts_to<cancel_atom, std::string>,     // the broker asks to stop work id             [CAF pushes]
    caf::reacts_to<resync_atom>,                  // (re)connected: compare what you run with what you hold
    caf::reacts_to<logs_atom, log_stream_request>>;  // stream a held item's log          [CAF pushes]

using broker_link_actor = caf::typed_actor<
    // Work types (empty: any), at most `limit` items.
    caf::replies_to<claimnext_atom, std::vector<std::string>, int32_t>::with<std::vector<work_item>>,
    caf::replies_to<heartbeat_atom, std::string, int32_t>::with<bool>,
    caf::replies_to<complete_atom, completion_report>::with<work_item>,
    caf::replies_to<held_atom>::with<std::vector<work_item>>,
    // A piece of a requested log stream -> whether the broker still wants it.
    caf::replies_to<logs_atom, log_chunk>::with<bool>,
    caf::reacts_to<caf::subscribe_atom, link_listener_actor>>;
// Whether it holds the broker right now is not asked: each link sets its config's `connected` flag
// as that changes (ADR 77).

}  // namespace brokkr::agent
