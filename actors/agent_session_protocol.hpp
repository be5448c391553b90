#pragma once
// What the broker pushes towards connected agents. The work-item actors only know agent ids; the
// session registry (broker_node/sessions) knows which of them are connected, and where.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/work_notice.hpp"

namespace brokkr {

using push_sink_actor = caf::typed_actor<
    // Work `work_id` is claimable now by any of `agent_ids` (its targets); tell at most `limit` of
    // the connected ones (0: all of them), a different few each time (ADR 0062).
    caf::reacts_to<available_atom, std::string, std::vector<std::string>, int32_t>,
    // The claimer `agent_id` should stop work `work_id`.
    caf::reacts_to<cancel_atom, std::string, std::string>,
    // An agent changed: its sessions look for newly claimable work.
    caf::reacts_to<agent_notice>>;

}  // namespace brokkr
