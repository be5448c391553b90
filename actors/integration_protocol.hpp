#pragma once
// Integrations (admin keys) over CAF: submit, read, cancel, and subscribe to an item's transitions.
// Every call carries the session's token (actors/wire.hpp).
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "actors/atoms.hpp"
#include "actors/log_protocol.hpp"
#include "actors/wire.hpp"

namespace brokkr {

using submit_atom = caf::atom_constant<caf::atom("submit")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using events_atom = caf::atom_constant<caf::atom("events")>;

// Receives every transition of a subscribed item, in order, the terminal one last; (gone_atom, id)
// if the item is deleted or does not exist.
using work_subscriber_actor = caf::typed_actor<caf::reacts_to<work_event>, caf::reacts_to<gone_atom, std::string>>;

using integration_session_actor = caf::typed_actor<
    // -> the item and whether it was created (false: the idempotency key's existing item)
    caf::replies_to<submit_atom, session_token, work_request>::with<work_item, bool>,
    caf::replies_to<caf::get_atom, session_token, std::string>::with<work_item>,
    caf::replies_to<list_atom, session_token, work_list_params>::with<work_page>,
    caf::replies_to<events_atom, session_token, std::string, int64_t>::with<std::vector<work_event>>,
    caf::replies_to<cancel_atom, session_token, std::string>::with<work_item>,
    // Transitions after event id `after` (0: all of them) go to the subscriber.
    caf::replies_to<caf::subscribe_atom, session_token, std::string, int64_t, work_subscriber_actor>::with<bool>,
    // Protocol 3: the live log of claimed item `id`'s step ("" = the build step) goes to the
    // subscriber until it ends. The subscriber acknowledges each logdata by sending
    // (logmore_atom, int64 bytes) back to its sender; at most 64 KiB go unacknowledged.
    // Refused with conflict unless the item is CLAIMED.
    caf::replies_to<logs_atom, session_token, std::string, std::string, log_subscriber_actor>::with<bool>>;

}  // namespace brokkr
