// States: disconnected --(connector succeeded)--> connected --(session down)--> disconnected.
// While disconnected, calls fail at once with `unavailable` (the dispatcher retries reports), and a
// connection attempt runs on a detached actor (connecting and logging in block).
#include "agent_node/link/caf_link.hpp"

#include <caf/all.hpp>

#include "actors/caf_errors.hpp"
#include "actors/client.hpp"
#include "common/backoff.hpp"
#include "common/log.hpp"

namespace brokkr::agent {
namespace {

using connected_atom = caf::atom_constant<caf::atom("connected")>;
using refused_atom = caf::atom_constant<caf::atom("refused")>;

using caf_link_actor = broker_link_actor::extend<
    caf::reacts_to<available_atom, std::string>,  // pushes (agent_link_actor)
    caf::reacts_to<cancel_atom, std::string>,
    caf::reacts_to<logs_atom, log_stream_request>,
    caf::reacts_to<caf::tick_atom>,               // connect now
    // the connector succeeded: the session, its token, the agent id
    caf::reacts_to<connected_atom, agent_session_actor, session_token, std::string>,
    caf::reacts_to<refused_atom, std::string>>;   // the connector failed

struct link_state {
  static inline const char* name = "caf_link";
  // A link that stopped holds no broker, whatever it last said (CAF destroys the state on exit).
  ~link_state() { *cfg.connected = false; }
  caf_link_config cfg;
  agent_session_actor session;
  session_token token;  // presented on every message to the session
  link_listener_actor listener;
  bool connecting = false;
  bool warned = false;
  backoff retry_backoff;
};

using self_ptr = caf_link_actor::stateful_pointer<link_state>;

void schedule_connect(self_ptr self) {
  self->delayed_send(self, self->state.retry_backoff.next(), caf::tick_atom::value);
}

void connect(self_ptr self) {
  auto& st = self->state;
  if (st.session || st.connecting) return;
  st.connecting = true;
  auto me = caf::actor_cast<caf::actor>(self);
  auto link = caf::actor_cast<agent_link_actor>(self);
  self->system().spawn<caf::detached>([cfg = st.cfg, me, link](caf::event_based_actor* c) {
    auto gw = connect_gateway(c->system(), {.host = cfg.host, .port = cfg.port, .tls = cfg.tls});
    if (!gw) {
      caf::anon_send(me, refused_atom::value, gw.error());
    } else if (auto login = login_agent(c->system(), *gw, cfg.key, link)) {
      caf::anon_send(me, connected_atom::value, login->session, login->token, login->agent_id);
    } else {
      caf::anon_send(me, refused_atom::value, "login refused: " + login.error());
    }
    c->quit();
  });
}

caf::error not_connected() { return make_error(errc::unavailable, "not connected to the broker"); }

caf_link_actor::behavior_type caf_link(self_ptr self, caf_link_config cfg) {
  self->state.cfg = std::move(cfg);
  // +-20 % jitter, so agents cut off together do not come back in lockstep.
  self->state.retry_backoff = reconnect_backoff(self->state.cfg.reconnect_min, self->state.cfg.reconnect_max, 0.2);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    if (!st.session || st.session.address() != dm.source) return;
    log::warn("link", "lost the broker (", self->system().render(dm.reason), "); reconnecting");
    st.session = nullptr;
    *st.cfg.connected = false;
    st.retry_backoff.reset();
    schedule_connect(self);
  });
  self->send(self, caf::tick_atom::value);
  return {
      [self](caf::tick_atom) { connect(self); },
      [self](connected_atom, agent_session_actor& session, session_token& token, std::string& agent_id) {
        auto& st = self->state;
        st.connecting = false;
        st.session = session;
        st.token = std::move(token);
        *st.cfg.connected = true;
        st.retry_backoff.reset();
        st.warned = false;
        self->monitor(session);
        log::info("link", "connected to the broker at ", st.cfg.host, ":", st.cfg.port, " as agent ", agent_id);
        if (st.listener) caf::anon_send(st.listener, resync_atom::value);
      },
      [self](refused_atom, std::string& why) {
        auto& st = self->state;
        st.connecting = false;
        if (!st.warned) log::warn("link", why, " (retrying with backoff)");
        st.warned = true;
        schedule_connect(self);
      },
      [self](available_atom, std::string& id) {
        if (self->state.listener) caf::anon_send(self->state.listener, available_atom::value, std::move(id));
      },
      [self](cancel_atom, std::string& id) {
        if (self->state.listener) caf::anon_send(self->state.listener, cancel_atom::value, std::move(id));
      },
      [self](logs_atom, log_stream_request& req) {
        if (self->state.listener) caf::anon_send(self->state.listener, logs_atom::value, std::move(req));
      },
      [self](logs_atom, log_chunk& chunk) -> caf::result<bool> {
        auto& st = self->state;
        if (!st.session) return not_connected();
        return self->delegate(st.session, logs_atom::value, st.token, std::move(chunk));
      },
      [self](caf::subscribe_atom, link_listener_actor& listener) {
        self->state.listener = listener;
        if (self->state.session) caf::anon_send(listener, resync_atom::value);
      },
      [self](claimnext_atom, std::vector<std::string>& types, int32_t limit) -> caf::result<std::vector<work_item>> {
        auto& st = self->state;
        if (!st.session) return not_connected();
        return self->delegate(st.session, claimnext_atom::value, st.token, std::move(types), limit);
      },
      [self](heartbeat_atom, std::string& id, int32_t attempt) -> caf::result<bool> {
        auto& st = self->state;
        if (!st.session) return not_connected();
        return self->delegate(st.session, heartbeat_atom::value, st.token, std::move(id), attempt);
      },
      [self](complete_atom, completion_report& r) -> caf::result<work_item> {
        auto& st = self->state;
        if (!st.session) return not_connected();
        return self->delegate(st.session, complete_atom::value, st.token, std::move(r));
      },
      [self](held_atom) -> caf::result<std::vector<work_item>> {
        auto& st = self->state;
        if (!st.session) return not_connected();
        return self->delegate(st.session, held_atom::value, st.token);
      },
  };
}

}  // namespace

broker_link_actor spawn_caf_link(caf::actor_system& sys, caf_link_config cfg) {
  return caf::actor_cast<broker_link_actor>(sys.spawn(caf_link, std::move(cfg)));
}

}  // namespace brokkr::agent
