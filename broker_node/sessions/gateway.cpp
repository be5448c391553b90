#include "broker_node/sessions/gateway.hpp"

#include <caf/all.hpp>

#include <set>

#include "actors/protocol_version.hpp"
#include "broker_node/auth/api_key.hpp"
#include "broker_node/sessions/agent_session.hpp"
#include "broker_node/sessions/forward_job.hpp"
#include "broker_node/sessions/integration_session.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct gateway_state {
  static inline const char* name = "gateway";
  gateway_deps deps;
  std::set<caf::actor> sessions;  // monitored; stopped with the gateway
};

using self_ptr = gateway_actor::stateful_pointer<gateway_state>;

caf::error unsupported(int32_t version) {
  return make_error(errc::invalid_argument,
                    "protocol version " + std::to_string(version) + " is not spoken by this broker (it speaks " +
                        std::to_string(oldest_protocol_version) + " to " + std::to_string(protocol_version) +
                        "); upgrade the agent or integration to this broker's release");
}

// Checks the key, then calls `then(identity)` in the gateway's context; the error goes to `fail`.
template <class Then, class Fail>
void authenticate(self_ptr self, const std::string& text, Then then, Fail fail) {
  auto step = self->state.deps.agents->authenticate(text);
  if (!step) {
    fail(to_caf(step.error()));
    return;
  }
  if (step->cached) {
    then(*step->cached);
    return;
  }
  request_job(self, self->state.deps.db, session_db_timeout, std::move(*step->lookup),
              [then](auth::identity id) mutable { then(id); },
              [fail](const persistence::db_error& e) mutable { fail(to_caf(e)); });
}

void adopt(self_ptr self, const caf::actor& session) {
  self->monitor(session);
  self->state.sessions.insert(session);
}

gateway_actor::behavior_type gateway(self_ptr self, gateway_deps deps) {
  self->state.deps = std::move(deps);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& s = self->state.sessions;
    for (auto it = s.begin(); it != s.end(); ++it)
      if (it->address() == dm.source) {
        s.erase(it);
        break;
      }
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (const auto& s : self->state.sessions) self->send_exit(s, em.reason);
    self->state.sessions.clear();
    self->quit(em.reason);
  });
  return {
      [self](hello_atom, agent_login_atom, int32_t version, std::string& key,
             agent_link_actor& link) -> caf::result<agent_session_actor, login_reply> {
        if (version < oldest_protocol_version || version > protocol_version) return unsupported(version);
        if (!link) return make_error(errc::invalid_argument, "login needs the agent's link actor");
        auto rp = self->make_response_promise<agent_session_actor, login_reply>();
        authenticate(
            self, key,
            [self, rp, link, version](const auth::identity& who) mutable {
              if (who.is_admin()) {
                rp.deliver(make_error(errc::forbidden, "an agent session needs an agent key"));
                return;
              }
              auto& d = self->state.deps;
              const auto token = auth::random_token();
              auto session = spawn_agent_session(self->system(), who.agent_id, token, d.db, d.work, d.logs);
              adopt(self, caf::actor_cast<caf::actor>(session));
              self->send(d.registry, join_atom::value, who.agent_id, link, session);
              if (d.logs) self->send(d.logs, caf::join_atom::value, who.agent_id, link, version);
              rp.deliver(session, login_reply{protocol_version, who.agent_id, session_token{token}});
            },
            [rp](caf::error e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](hello_atom, integ_login_atom, int32_t version,
             std::string& key) -> caf::result<integration_session_actor, login_reply> {
        if (version < oldest_protocol_version || version > protocol_version) return unsupported(version);
        auto rp = self->make_response_promise<integration_session_actor, login_reply>();
        authenticate(
            self, key,
            [self, rp](const auth::identity& who) mutable {
              if (!who.is_admin()) {
                rp.deliver(make_error(errc::forbidden, "an integration session needs an admin key"));
                return;
              }
              auto& d = self->state.deps;
              const auto token = auth::random_token();
              auto session = spawn_integration_session(self->system(), token, d.db, d.supervisor, d.work, d.logs);
              adopt(self, caf::actor_cast<caf::actor>(session));
              rp.deliver(session, login_reply{protocol_version, {}, session_token{token}});
            },
            [rp](caf::error e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [](agent_login_atom, std::string&, agent_link_actor&) -> caf::result<agent_session_actor, std::string> {
        return unsupported(1);
      },
      [](integ_login_atom, std::string&) -> caf::result<integration_session_actor> { return unsupported(1); },
  };
}

}  // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps) { return sys.spawn(gateway, std::move(deps)); }

}  // namespace brokkr::broker
