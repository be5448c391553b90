#pragma once
// The claim supervisor (broker_node/claim_supervisor): keeps one work-item actor per live item that
// has something to time or someone listening (the others are remembered by their last event and
// started again on their next notice: ADR 0066), routes notices to them, respawns them from
// PostgreSQL, and rehydrates them all on resync.
#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "actors/atoms.hpp"
#include "actors/work_notice.hpp"

namespace brokkr {

using claim_supervisor_actor = caf::typed_actor<
    caf::reacts_to<work_notice>,
    caf::reacts_to<agent_notice>,
    caf::reacts_to<resync_atom>,
    // Subscribe `subscriber` to item `id` (see work_item_protocol.hpp).
    caf::reacts_to<caf::subscribe_atom, std::string, caf::actor>,
    // A work-item actor with nothing to time and no subscriber: (id, messages it has had from the
    // supervisor, its last event id). The supervisor stops it if none is on the way (ADR 0066).
    caf::reacts_to<idle_atom, std::string, uint64_t, int64_t>,
    // (live work-item actors, live items held without an actor), for the metrics. One answer, so
    // that an actor retired between two questions is never counted in both.
    caf::replies_to<stats_atom>::with<uint64_t, uint64_t>>;

}  // namespace brokkr
