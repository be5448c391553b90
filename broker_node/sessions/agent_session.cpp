#include "broker_node/sessions/agent_session.hpp"

#include <caf/all.hpp>

#include <optional>

#include "broker_node/auth/api_key.hpp"
#include "broker_node/sessions/forward_job.hpp"
#include "common/log.hpp"

namespace brokkr::broker {

bool token_matches(const std::string& expected, const session_token& presented) {
  return !expected.empty() && auth::constant_time_equal(expected, presented.value);
}

namespace {

struct session_state {
  static inline const char* name = "agent_session";
  auth::identity who;
  std::string token;
  persistence::persistence_actor db;
  std::shared_ptr<const work_service> work;
  log_hub_actor logs;
  uint64_t refused = 0;
};

using self_ptr = agent_session_actor::stateful_pointer<session_state>;

// Authority is the token the broker issued at login, never the sender's node id (which a peer
// writes into its own handshake) nor this actor's id (sequential, so guessable).
caf::error refuse(self_ptr self) {
  const auto& sender = self->current_sender();
  if (self->state.refused++ < 10 || self->state.refused % 1000 == 0)
    log::warn("sessions", "refused a message for agent ", self->state.who.agent_id, "'s session without its token (from ",
              sender ? caf::to_string(sender->node()) : std::string("an anonymous sender"), ")");
  return make_error(errc::forbidden, "this session belongs to another peer");
}

// Bounds on a chunk's fields, checked before anything reaches the hub.
std::optional<std::string> invalid_chunk(const log_chunk& c) {
  if (c.text.size() > max_log_chunk) return "text (over " + std::to_string(max_log_chunk) + " bytes)";
  if (c.work_id.size() > 64) return std::string("work_id");
  if (c.step.size() > 63) return std::string("step");
  if (c.note.size() > 1024) return std::string("note");
  if (c.offset < 0) return std::string("offset");
  return std::nullopt;
}

agent_session_actor::behavior_type session(self_ptr self, std::string agent_id, std::string token,
                                           persistence::persistence_actor db, std::shared_ptr<const work_service> work,
                                           log_hub_actor logs) {
  self->state.who = auth::identity{auth::role::agent, std::move(agent_id)};
  self->state.token = std::move(token);
  self->state.db = std::move(db);
  self->state.work = std::move(work);
  self->state.logs = std::move(logs);
  const auto& st = self->state;
  auto allowed = [self](const session_token& t) { return token_matches(self->state.token, t); };
  return {
      [=, &st](caf::pending_atom, session_token& t, int32_t limit) -> caf::result<std::vector<work_item>> {
        if (!allowed(t)) return refuse(self);
        return forward<std::vector<work_item>>(self, st.db, st.work->pending(st.who, {}, limit));
      },
      [=, &st](claim_atom, session_token& t, std::string& id) -> caf::result<work_item> {
        if (!allowed(t)) return refuse(self);
        return forward<work_item>(self, st.db, st.work->claim(st.who, id, {}));
      },
      [=, &st](claimnext_atom, session_token& t, std::vector<std::string>& types,
               int32_t limit) -> caf::result<std::vector<work_item>> {
        if (!allowed(t)) return refuse(self);
        return forward<std::vector<work_item>>(self, st.db, st.work->claim_next(st.who, {}, std::move(types), limit));
      },
      [=, &st](heartbeat_atom, session_token& t, std::string& id, int32_t attempt) -> caf::result<bool> {
        if (!allowed(t)) return refuse(self);
        return forward<bool>(self, st.db, st.work->heartbeat(st.who, id, {}, attempt),
                             [](persistence::heartbeat_result h) { return h.cancel_requested; });
      },
      [=, &st](complete_atom, session_token& t, completion_report& report) -> caf::result<work_item> {
        if (!allowed(t)) return refuse(self);
        report.agent_id.clear();  // the session's agent, whatever the peer wrote
        return forward<work_item>(self, st.db, st.work->complete(st.who, std::move(report)));
      },
      [=, &st](complete_atom, session_token& t,
               std::vector<completion_report>& reports) -> caf::result<std::vector<completion_ack>> {
        if (!allowed(t)) return refuse(self);
        for (auto& r : reports) r.agent_id.clear();
        return forward<std::vector<completion_ack>>(self, st.db, st.work->complete_many(st.who, std::move(reports)));
      },
      [=, &st](held_atom, session_token& t) -> caf::result<std::vector<work_item>> {
        if (!allowed(t)) return refuse(self);
        return forward<std::vector<work_item>>(self, st.db, st.work->held(st.who, {}));
      },
      [=, &st](logs_atom, session_token& t, log_chunk& chunk) -> caf::result<bool> {
        if (!allowed(t)) return refuse(self);
        if (auto field = invalid_chunk(chunk)) return make_error(errc::invalid_argument, "log chunk: " + *field);
        if (!st.logs) return false;
        return self->delegate(st.logs, logs_atom::value, st.who.agent_id, std::move(chunk));
      },
  };
}

}  // namespace

agent_session_actor spawn_agent_session(caf::actor_system& sys, std::string agent_id, std::string token,
                                        persistence::persistence_actor db, std::shared_ptr<const work_service> work,
                                        log_hub_actor logs) {
  return sys.spawn(session, std::move(agent_id), std::move(token), std::move(db), std::move(work), std::move(logs));
}

}  // namespace brokkr::broker
