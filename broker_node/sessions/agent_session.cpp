#include "broker_node/sessions/agent_session.hpp"

#include <caf/all.hpp>

#include "broker_node/sessions/forward_job.hpp"

namespace brokkr::broker {
namespace {

using persistence::make_job;
using persistence::repositories;

struct session_state {
  static inline const char* name = "agent_session";
  std::string agent_id;
  caf::node_id peer;
  persistence::persistence_actor db;
};

using self_ptr = agent_session_actor::stateful_pointer<session_state>;

caf::error wrong_node() { return make_error(errc::forbidden, "this session belongs to another node"); }

bool from_peer(self_ptr self) {
  const auto& sender = self->current_sender();
  return sender && sender->node() == self->state.peer;
}

agent_session_actor::behavior_type session(self_ptr self, std::string agent_id, caf::node_id peer,
                                           persistence::persistence_actor db) {
  self->state.agent_id = std::move(agent_id);
  self->state.peer = std::move(peer);
  self->state.db = std::move(db);
  const auto me = self->state.agent_id;
  const auto& pool = self->state.db;
  return {
      [=](caf::pending_atom, int32_t limit) -> caf::result<std::vector<work_item>> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<std::vector<work_item>>(
            self, pool, make_job<std::vector<work_item>>("pending", [me, limit](repositories& r) {
              return r.work.pending_for_agent(me, limit);
            }));
      },
      [=](claim_atom, std::string& id) -> caf::result<work_item> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<work_item>(self, pool, make_job<work_item>("claim", [me, id](repositories& r) {
                                        return r.work.claim(id, me);
                                      }));
      },
      [=](claimnext_atom, std::vector<std::string>& types) -> caf::result<std::vector<work_item>> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<std::vector<work_item>, std::optional<work_item>>(
            self, pool,
            make_job<std::optional<work_item>>("claim_next", [me, types](repositories& r) { return r.work.claim_next(me, types); }),
            [](std::optional<work_item> w) { return w ? std::vector<work_item>{std::move(*w)} : std::vector<work_item>{}; });
      },
      [=](heartbeat_atom, std::string& id, int32_t attempt) -> caf::result<bool> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<bool, persistence::heartbeat_result>(
            self, pool,
            make_job<persistence::heartbeat_result>("heartbeat", [me, id, attempt](repositories& r) {
              return r.work.heartbeat(id, me, attempt);
            }),
            [](persistence::heartbeat_result h) { return h.cancel_requested; });
      },
      [=](complete_atom, std::string& id, completion_msg& c) -> caf::result<work_item> {
        if (!from_peer(self)) return wrong_node();
        persistence::completion_params p{me, c.attempt, c.outcome, c.failure_reason, c.result_message, c.result_details};
        return forward_job<work_item>(self, pool, make_job<work_item>("complete", [id, p](repositories& r) {
                                        return r.work.complete(id, p);
                                      }));
      },
      [=](held_atom) -> caf::result<std::vector<work_item>> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<std::vector<work_item>>(
            self, pool, make_job<std::vector<work_item>>("held", [me](repositories& r) { return r.work.claimed_by_agent(me); }));
      },
  };
}

}  // namespace

agent_session_actor spawn_agent_session(caf::actor_system& sys, std::string agent_id, caf::node_id peer,
                                        persistence::persistence_actor db) {
  return sys.spawn(session, std::move(agent_id), std::move(peer), std::move(db));
}

}  // namespace brokkr::broker
