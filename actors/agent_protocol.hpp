#pragma once
// Agents over CAF: the agent's session at the broker, and the agent's own link actor that receives
// the broker's pushes. Every session call acts as the session's agent; errors are caf::error with
// brokkr::errc codes (actors/caf_errors.hpp).
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/wire.hpp"

namespace brokkr {

using claim_atom = caf::atom_constant<caf::atom("claim")>;
using claimnext_atom = caf::atom_constant<caf::atom("claimnext")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using complete_atom = caf::atom_constant<caf::atom("complete")>;
using held_atom = caf::atom_constant<caf::atom("held")>;

// Lives in the agent. Pushes are hints: the agent still claims through its session.
using agent_link_actor = caf::typed_actor<
    // Work `id` is claimable by this agent now ("" = look for any claimable work).
    caf::reacts_to<available_atom, std::string>,
    // Stop work `id` (a cancel was requested); the agent reports CANCELED once it stopped.
    caf::reacts_to<cancel_atom, std::string>>;

using agent_session_actor = caf::typed_actor<
    caf::replies_to<caf::pending_atom, int32_t>::with<std::vector<work_item>>,
    caf::replies_to<claim_atom, std::string>::with<work_item>,
    // Work types this agent runs (empty: any) -> zero or one claimed item.
    caf::replies_to<claimnext_atom, std::vector<std::string>>::with<std::vector<work_item>>,
    // id, attempt -> cancel_requested
    caf::replies_to<heartbeat_atom, std::string, int32_t>::with<bool>,
    caf::replies_to<complete_atom, std::string, completion_msg>::with<work_item>,
    // Items this agent holds (CLAIMED by it): what a restarted agent re-attaches to.
    caf::replies_to<held_atom>::with<std::vector<work_item>>>;

}  // namespace brokkr
