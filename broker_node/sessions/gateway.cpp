#include "broker_node/sessions/gateway.hpp"

#include <caf/all.hpp>

#include <set>

#include "actors/caf_errors.hpp"
#include "broker_node/auth/authenticate.hpp"
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

// Checks the key, then calls `then(identity)` in the gateway's context; the error goes to `fail`.
template <class Then, class Fail>
void authenticate(self_ptr self, const std::string& text, Then then, Fail fail) {
  auto key = auth::parse_key(text);
  if (!key) return fail(make_error(errc::unauthenticated, key.error()));
  self->request(self->state.deps.db, std::chrono::seconds(30), persistence::run_atom::value,
                persistence::make_job<auth::identity>("auth", [k = *key](persistence::repositories& r) {
                  return auth::lookup(r, k);
                }))
      .then(
          [then, fail](persistence::db_reply& reply) mutable {
            auto id = persistence::take<auth::identity>(reply);
            if (!id) return fail(to_caf(id.error()));
            then(*id);
          },
          [fail](caf::error& e) mutable { fail(make_error(errc::unavailable, caf::to_string(e))); });
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
      [self](agent_login_atom, std::string& key, agent_link_actor& link)
          -> caf::result<agent_session_actor, std::string> {
        // The peer's node, read before make_response_promise takes the sender out of the message.
        const auto sender = self->current_sender();
        if (!sender || !link) return make_error(errc::invalid_argument, "login needs the agent's link actor");
        const auto peer = sender->node();
        auto rp = self->make_response_promise<agent_session_actor, std::string>();
        authenticate(
            self, key,
            [self, rp, peer, link](const auth::identity& who) mutable {
              if (who.is_admin()) {
                rp.deliver(make_error(errc::forbidden, "an agent session needs an agent key"));
                return;
              }
              auto& d = self->state.deps;
              auto session = spawn_agent_session(self->system(), who.agent_id, peer, d.db);
              adopt(self, caf::actor_cast<caf::actor>(session));
              self->send(d.registry, join_atom::value, who.agent_id, link, session);
              rp.deliver(session, who.agent_id);
            },
            [rp](caf::error e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
      [self](integ_login_atom, std::string& key) -> caf::result<integration_session_actor> {
        const auto sender = self->current_sender();
        if (!sender) return make_error(errc::invalid_argument, "anonymous login");
        const auto peer = sender->node();
        auto rp = self->make_response_promise<integration_session_actor>();
        authenticate(
            self, key,
            [self, rp, peer](const auth::identity& who) mutable {
              if (!who.is_admin()) {
                rp.deliver(make_error(errc::forbidden, "an integration session needs an admin key"));
                return;
              }
              auto& d = self->state.deps;
              auto session = spawn_integration_session(self->system(), peer, d.db, d.supervisor);
              adopt(self, caf::actor_cast<caf::actor>(session));
              rp.deliver(session);
            },
            [rp](caf::error e) mutable { rp.deliver(std::move(e)); });
        return rp;
      },
  };
}

}  // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_deps deps) { return sys.spawn(gateway, std::move(deps)); }

}  // namespace brokkr::broker
