#pragma once
// The broker's CAF endpoint (published on --caf-listen). A peer presents its API key once and gets
// a session bound to that identity; every later message goes to the session.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "actors/agent_protocol.hpp"
#include "actors/integration_protocol.hpp"

namespace brokkr {

using agent_login_atom = caf::atom_constant<caf::atom("agentlogin")>;
using integ_login_atom = caf::atom_constant<caf::atom("intlogin")>;

using gateway_actor = caf::typed_actor<
    // An agent key and the agent's own push receiver -> its session and its agent id.
    caf::replies_to<agent_login_atom, std::string, agent_link_actor>::with<agent_session_actor, std::string>,
    // An admin key -> an integration session.
    caf::replies_to<integ_login_atom, std::string>::with<integration_session_actor>>;

}  // namespace brokkr
