#pragma once
// The broker's CAF endpoint (published behind the BASP guard on --caf-listen). A peer states its
// protocol version, presents its API key once, and gets a session bound to that identity plus the
// session token that every later message to the session must carry.
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "actors/agent_protocol.hpp"
#include "actors/integration_protocol.hpp"

namespace brokkr {

using agent_login_atom = caf::atom_constant<caf::atom("agentlogin")>;
using integ_login_atom = caf::atom_constant<caf::atom("intlogin")>;
using hello_atom = caf::atom_constant<caf::atom("hello")>;

struct login_reply {
  int32_t protocol = 0;  // the version the broker speaks
  std::string agent_id;  // agent logins: the key's agent
  session_token token;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, login_reply& x) {
  return f(caf::meta::type_name("login_reply"), x.protocol, x.agent_id, x.token);
}

using gateway_actor = caf::typed_actor<
    // Version 2+: (version, agent key, the agent's push receiver) -> its session and token.
    caf::replies_to<hello_atom, agent_login_atom, int32_t, std::string, agent_link_actor>::with<agent_session_actor,
                                                                                                 login_reply>,
    // Version 2+: (version, admin key) -> an integration session and its token.
    caf::replies_to<hello_atom, integ_login_atom, int32_t, std::string>::with<integration_session_actor, login_reply>,
    // Version 1 logins, kept in the interface so that a peer of 0.1.0 still connects and hears why
    // it is refused (an error naming both versions) instead of an interface mismatch.
    caf::replies_to<agent_login_atom, std::string, agent_link_actor>::with<agent_session_actor, std::string>,
    caf::replies_to<integ_login_atom, std::string>::with<integration_session_actor>>;

}  // namespace brokkr
