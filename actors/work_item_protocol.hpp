#pragma once
// One actor per non-terminal work item that has something to time or someone listening
// (broker_node/work_item_actor). It owns the item's timers (claim expiry, retry due), pushes
// "available" and "cancel", tells subscribers of every change, and exits once the item is
// terminal, or when its supervisor retires it (idle, ADR 0066). It never decides a transition:
// PostgreSQL does.
#include <caf/actor.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>

#include "actors/atoms.hpp"
#include "actors/work_notice.hpp"

namespace brokkr {

// Subscribers (any actor) receive a work_notice after each change of the item, including the
// terminal one, and (gone_atom, id) if the item is deleted or never existed.
using work_item_actor = caf::typed_actor<
    caf::reacts_to<work_notice>,                     // the item changed (NOTIFY)
    caf::reacts_to<resync_atom>,                     // re-read it (notifications may have been lost)
    caf::reacts_to<caf::subscribe_atom, caf::actor>,
    caf::reacts_to<caf::tick_atom, uint64_t>,        // own timer, by generation
    caf::reacts_to<idle_atom>>;                      // retired by the supervisor: stop

}  // namespace brokkr
