#include "broker_node/sessions/integration_session.hpp"

#include <caf/all.hpp>

#include "broker_node/event_relay.hpp"
#include "broker_node/logs/log_reader.hpp"
#include "broker_node/sessions/forward_job.hpp"
#include "common/log.hpp"
#include "k8s/apply_manifest.hpp"

namespace brokkr::broker {
namespace {

struct session_state {
  static inline const char* name = "integration_session";
  const auth::identity who{auth::role::admin, {}};
  std::string token;
  persistence::persistence_actor db;
  claim_supervisor_actor supervisor;
  std::shared_ptr<const work_service> work;
  log_hub_actor logs;
  std::vector<caf::actor> relays;  // stopped with the session
};

using self_ptr = integration_session_actor::stateful_pointer<session_state>;

caf::error refuse(self_ptr self) {
  const auto& sender = self->current_sender();
  log::warn("sessions", "refused a message for an integration session without its token (from ",
            sender ? caf::to_string(sender->node()) : std::string("an anonymous sender"), ")");
  return make_error(errc::forbidden, "this session belongs to another peer");
}

// Relays transitions to a (usually remote) subscriber until the item is terminal or the
// subscriber goes away.
void subscribe(self_ptr self, const std::string& id, int64_t after, work_subscriber_actor subscriber) {
  event_sink sink;
  sink.deliver = [subscriber](const work_event& e) {
    caf::anon_send(subscriber, e);
    return true;
  };
  sink.finished = [subscriber, id](bool gone) {
    if (gone) caf::anon_send(subscriber, gone_atom::value, id);
  };
  auto relay = spawn_event_relay(self->system(), event_relay_config{id, after}, std::move(sink), self->state.db,
                                 self->state.supervisor);
  self->monitor(relay);
  self->state.relays.push_back(relay);
  // The relay stops with the subscriber (its node may vanish).
  self->system().spawn([relay, subscriber](caf::event_based_actor* w) -> caf::behavior {
    w->monitor(subscriber);
    w->monitor(relay);
    w->set_down_handler([w, relay](caf::down_msg&) {
      caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
      w->quit();
    });
    return {[](caf::ok_atom) {}};
  });
}

integration_session_actor::behavior_type session(self_ptr self, std::string token, persistence::persistence_actor db,
                                                 claim_supervisor_actor supervisor,
                                                 std::shared_ptr<const work_service> work, log_hub_actor logs) {
  auto& st = self->state;
  st.logs = std::move(logs);
  st.token = std::move(token);
  st.db = std::move(db);
  st.supervisor = std::move(supervisor);
  st.work = std::move(work);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& r = self->state.relays;
    r.erase(std::remove_if(r.begin(), r.end(), [&](const caf::actor& a) { return a.address() == dm.source; }), r.end());
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (const auto& r : self->state.relays) self->send_exit(r, em.reason);
    self->quit(em.reason);
  });
  auto allowed = [self](const session_token& t) { return token_matches(self->state.token, t); };
  return {
      [=, &st](submit_atom, session_token& t, work_request& req) -> caf::result<work_item, bool> {
        if (!allowed(t)) return refuse(self);
        auto o = st.work->submit(st.who, std::move(req));
        if (!o) return to_caf(o.error());
        auto rp = self->make_response_promise<work_item, bool>();
        request_job(
            self, st.db, session_db_timeout, std::move(*o),
            [rp](persistence::create_result res) mutable { rp.deliver(std::move(res.item), res.created); },
            [rp](const persistence::db_error& e) mutable { rp.deliver(to_caf(e)); });
        return rp;
      },
      [=, &st](caf::get_atom, session_token& t, std::string& id) -> caf::result<work_item> {
        if (!allowed(t)) return refuse(self);
        return forward<work_item>(self, st.db, st.work->get(st.who, id));
      },
      [=, &st](list_atom, session_token& t, work_list_params& p) -> caf::result<work_page> {
        if (!allowed(t)) return refuse(self);
        return forward<work_page>(self, st.db, st.work->list(st.who, std::move(p)));
      },
      [=, &st](events_atom, session_token& t, std::string& id, int64_t after) -> caf::result<std::vector<work_event>> {
        if (!allowed(t)) return refuse(self);
        return forward<std::vector<work_event>>(self, st.db, st.work->events(st.who, id, after, 1000));
      },
      [=, &st](cancel_atom, session_token& t, std::string& id) -> caf::result<work_item> {
        if (!allowed(t)) return refuse(self);
        return forward<work_item>(self, st.db, st.work->cancel(st.who, id),
                                  [](persistence::cancel_result c) { return std::move(c.item); });
      },
      [=](caf::subscribe_atom, session_token& t, std::string& id, int64_t after,
          work_subscriber_actor& subscriber) -> caf::result<bool> {
        if (!allowed(t)) return refuse(self);
        if (!is_uuid(id)) return make_error(errc::not_found, "no work item " + id.substr(0, 64));
        subscribe(self, id, after, std::move(subscriber));
        return true;
      },
      [=, &st](logs_atom, session_token& t, std::string& id, std::string& step,
               log_subscriber_actor& subscriber) -> caf::result<bool> {
        if (!allowed(t)) return refuse(self);
        if (!subscriber) return make_error(errc::invalid_argument, "a log subscription needs a subscriber");
        if (!step.empty() && !k8s::apply::is_dns_label(step))
          return make_error(errc::invalid_argument, "step must be a step name (a DNS label)");
        if (!st.logs) return make_error(errc::unavailable, "live logs are not served by this broker");
        auto o = st.work->get(st.who, id);
        if (!o) return to_caf(o.error());
        auto rp = self->make_response_promise<bool>();
        request_job(
            self, st.db, session_db_timeout, std::move(*o),
            [self, rp, step, subscriber](work_item w) mutable {
              if (w.status != work_status::claimed || w.claimed_by.empty()) {
                rp.deliver(make_error(errc::conflict, "item " + w.id + " is " + std::string(to_string(w.status)) +
                                                          ": its log can be followed once it is claimed"));
                return;
              }
              log_reader_config cfg{subscriber, w.id, w.claimed_by, step, 64 * 1024, std::chrono::hours(1)};
              auto reader = spawn_log_reader(self->system(), self->state.logs, std::move(cfg), {});
              self->monitor(reader);
              self->state.relays.push_back(reader);  // stopped with the session, as the event relays
              rp.deliver(true);
            },
            [rp](const persistence::db_error& e) mutable { rp.deliver(to_caf(e)); });
        return rp;
      },
  };
}

}  // namespace

integration_session_actor spawn_integration_session(caf::actor_system& sys, std::string token,
                                                    persistence::persistence_actor db,
                                                    claim_supervisor_actor supervisor,
                                                    std::shared_ptr<const work_service> work, log_hub_actor logs) {
  return sys.spawn(session, std::move(token), std::move(db), std::move(supervisor), std::move(work), std::move(logs));
}

}  // namespace brokkr::broker
