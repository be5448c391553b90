#include "broker_node/sessions/session_registry.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <map>

#include "actors/job_request.hpp"
#include "broker_node/sessions/presence_book.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct connection {
  agent_link_actor link;
  agent_session_actor session;
};

struct registry_state {
  static inline const char* name = "session_registry";
  session_registry_config cfg;
  persistence::persistence_actor db;
  std::map<std::string, std::vector<connection>> by_agent;
  std::map<caf::actor_addr, std::string> agent_of_link;
  std::map<std::string, uint64_t> generation;  // bumps on every join: a pending grace timer is then stale
  size_t offer_cursor = 0;                      // where the next limited offer starts (ADR 0062)
};

using self_ptr = session_registry_actor::stateful_pointer<registry_state>;

void expire_claims(self_ptr self, const std::string& agent_id) {
  const auto grace = self->state.cfg.grace;
  request_job(
      self, self->state.db, std::chrono::seconds(30),
      persistence::make_job<persistence::expire_result>(
          "expire_agent",
          [agent_id, grace](persistence::repositories& r) { return r.work.expire_agent_claims(agent_id, grace); }),
      [agent_id](persistence::expire_result r) {
        if (!r.expired.empty())
          log::info("sessions", "agent ", agent_id, " did not come back: ", r.expired.size(), " claims expired");
      },
      [agent_id](const persistence::db_error& e) {
        log::warn("sessions", "expiring the claims of agent ", agent_id, " failed: ", e.message);
      });
}

void drop_link(self_ptr self, const caf::actor_addr& link, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.agent_of_link.find(link);
  if (it == st.agent_of_link.end()) return;
  const auto agent_id = it->second;
  st.agent_of_link.erase(it);
  auto& conns = st.by_agent[agent_id];
  for (auto c = conns.begin(); c != conns.end();) {
    if (c->link.address() == link) {
      self->send_exit(c->session, caf::exit_reason::user_shutdown);
      c = conns.erase(c);
    } else {
      ++c;
    }
  }
  log::info("sessions", "agent ", agent_id, " disconnected (", self->system().render(reason), ")");
  if (st.cfg.presence) st.cfg.presence->session_closed(agent_id);
  if (conns.empty()) {
    st.by_agent.erase(agent_id);
    self->delayed_send(self, st.cfg.grace, grace_atom::value, agent_id, st.generation[agent_id]);
  }
}

}  // namespace

namespace {

session_registry_actor::behavior_type registry(self_ptr self, session_registry_config cfg, persistence::persistence_actor db) {
  self->state.cfg = cfg;
  self->state.db = std::move(db);
  self->set_down_handler([self](caf::down_msg& dm) { drop_link(self, dm.source, dm.reason); });
  return {
      [self](join_atom, std::string& agent_id, agent_link_actor& link, agent_session_actor& session) {
        auto& st = self->state;
        ++st.generation[agent_id];
        self->monitor(link);
        st.agent_of_link[link.address()] = agent_id;
        st.by_agent[agent_id].push_back({link, session});
        if (st.cfg.presence) st.cfg.presence->session_opened(agent_id);
        log::info("sessions", "agent ", agent_id, " connected");
      },
      [self](available_atom, std::string& work_id, std::vector<std::string>& agent_ids, int32_t limit) {
        auto& st = self->state;
        std::vector<const std::vector<connection>*> connected;
        for (const auto& a : agent_ids)
          if (auto it = st.by_agent.find(a); it != st.by_agent.end() && !it->second.empty())
            connected.push_back(&it->second);
        const auto window = offer_window(connected.size(), static_cast<size_t>(std::max(limit, 0)), st.offer_cursor);
        if (window.size() < connected.size()) st.offer_cursor += window.size();
        for (const auto i : window)
          for (const auto& c : *connected[i]) self->send(c.link, available_atom::value, work_id);
      },
      [self](cancel_atom, std::string& work_id, std::string& agent_id) {
        auto it = self->state.by_agent.find(agent_id);
        if (it == self->state.by_agent.end()) return;
        for (auto& c : it->second) self->send(c.link, cancel_atom::value, work_id);
      },
      [self](agent_notice& n) {
        auto it = self->state.by_agent.find(n.agent_id);
        if (it == self->state.by_agent.end()) return;
        for (auto& c : it->second) self->send(c.link, available_atom::value, std::string());
      },
      [self](grace_atom, std::string& agent_id, uint64_t gen) {
        auto& st = self->state;
        if (st.by_agent.count(agent_id) || st.generation[agent_id] != gen) return;  // it came back
        expire_claims(self, agent_id);
      },
      [self](stats_atom) -> uint64_t { return self->state.by_agent.size(); },
  };
}

}  // namespace

std::vector<size_t> offer_window(size_t n, size_t limit, size_t cursor) {
  std::vector<size_t> out;
  const size_t take = (limit == 0 || limit >= n) ? n : limit;
  const size_t start = (take == n || n == 0) ? 0 : cursor % n;
  out.reserve(take);
  for (size_t k = 0; k < take; ++k) out.push_back((start + k) % n);
  return out;
}

session_registry_actor spawn_session_registry(caf::actor_system& sys, session_registry_config cfg,
                                              persistence::persistence_actor db) {
  return sys.spawn(registry, cfg, std::move(db));
}

}  // namespace brokkr::broker
