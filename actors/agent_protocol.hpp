#pragma once
// Agents over CAF (protocol version 3, actors/protocol_version.hpp): the agent's session at the
// broker, and the agent's own link actor that receives the broker's pushes. Every session call
// carries the session's token and acts as the session's agent; errors are caf::error with
// brokkr::errc codes (actors/caf_errors.hpp).
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

#include "actors/atoms.hpp"
#include "actors/log_protocol.hpp"
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
    caf::reacts_to<cancel_atom, std::string>,
    // Protocol 3: stream a container's log of a held item through the session (log_protocol.hpp).
    caf::reacts_to<logs_atom, log_stream_request>>;

// One per report of a batch completion, in the order of the reports.
struct completion_ack {
  std::string work_id;
  uint8_t code = 0;         // 0: accepted; else a brokkr::errc (conflict: a stale attempt ...)
  std::string message;      // why, when refused
  work_status status = work_status::pending;  // the item's status after an accepted report
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, completion_ack& x) {
  return f(caf::meta::type_name("completion_ack"), x.work_id, x.code, x.message, x.status);
}

using agent_session_actor = caf::typed_actor<
    caf::replies_to<caf::pending_atom, session_token, int32_t>::with<std::vector<work_item>>,
    caf::replies_to<claim_atom, session_token, std::string>::with<work_item>,
    // Work types this agent runs (empty: any), at most `limit` items -> the items claimed.
    caf::replies_to<claimnext_atom, session_token, std::vector<std::string>, int32_t>::with<std::vector<work_item>>,
    // id, attempt -> cancel_requested
    caf::replies_to<heartbeat_atom, session_token, std::string, int32_t>::with<bool>,
    caf::replies_to<complete_atom, session_token, completion_report>::with<work_item>,
    // Many reports in one message and one database transaction.
    caf::replies_to<complete_atom, session_token, std::vector<completion_report>>::with<std::vector<completion_ack>>,
    // Items this agent holds (CLAIMED by it): what a restarted agent re-attaches to.
    caf::replies_to<held_atom, session_token>::with<std::vector<work_item>>,
    // Protocol 3: one chunk of a requested log stream -> whether anyone still reads it.
    caf::replies_to<logs_atom, session_token, log_chunk>::with<bool>>;

}  // namespace brokkr
