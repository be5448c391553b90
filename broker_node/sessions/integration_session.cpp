#include "broker_node/sessions/integration_session.hpp"

#include <caf/all.hpp>

#include "broker_node/event_relay.hpp"
#include "broker_node/sessions/forward_job.hpp"

namespace brokkr::broker {
namespace {

using persistence::make_job;
using persistence::repositories;

struct session_state {
  static inline const char* name = "integration_session";
  caf::node_id peer;
  persistence::persistence_actor db;
  claim_supervisor_actor supervisor;
  std::vector<caf::actor> relays;  // stopped with the session
};

using self_ptr = integration_session_actor::stateful_pointer<session_state>;

bool from_peer(self_ptr self) {
  const auto& sender = self->current_sender();
  return sender && sender->node() == self->state.peer;
}

caf::error wrong_node() { return make_error(errc::forbidden, "this session belongs to another node"); }

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
  auto watcher = self->system().spawn([relay, subscriber](caf::event_based_actor* w) -> caf::behavior {
    w->monitor(subscriber);
    w->monitor(relay);
    w->set_down_handler([w, relay](caf::down_msg&) {
      caf::anon_send_exit(relay, caf::exit_reason::user_shutdown);
      w->quit();
    });
    return {[](caf::ok_atom) {}};
  });
  static_cast<void>(watcher);
}

integration_session_actor::behavior_type session(self_ptr self, caf::node_id peer, persistence::persistence_actor db,
                                                 claim_supervisor_actor supervisor) {
  self->state.peer = std::move(peer);
  self->state.db = std::move(db);
  self->state.supervisor = std::move(supervisor);
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& r = self->state.relays;
    r.erase(std::remove_if(r.begin(), r.end(), [&](const caf::actor& a) { return a.address() == dm.source; }), r.end());
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (const auto& r : self->state.relays) self->send_exit(r, em.reason);
    self->quit(em.reason);
  });
  const auto pool = self->state.db;
  return {
      [=](submit_atom, work_request& req) -> caf::result<work_item, bool> {
        if (!from_peer(self)) return wrong_node();
        auto rp = self->make_response_promise<work_item, bool>();
        self->request(pool, std::chrono::seconds(30), persistence::run_atom::value,
                      make_job<persistence::create_result>("create", [req](repositories& r) { return r.work.create(req); }))
            .then(
                [rp](persistence::db_reply& reply) mutable {
                  auto res = persistence::take<persistence::create_result>(reply);
                  if (!res) rp.deliver(to_caf(res.error()));
                  else rp.deliver(std::move(res->item), res->created);
                },
                [rp](caf::error& e) mutable { rp.deliver(make_error(errc::unavailable, caf::to_string(e))); });
        return rp;
      },
      [=](caf::get_atom, std::string& id) -> caf::result<work_item> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<work_item>(self, pool, make_job<work_item>("get", [id](repositories& r) { return r.work.get(id); }));
      },
      [=](list_atom, work_list_query& q) -> caf::result<work_page_msg> {
        if (!from_peer(self)) return wrong_node();
        persistence::work_list_params p;
        for (const auto& s : q.statuses) {
          const auto st = parse_work_status(s);
          if (!st) return make_error(errc::invalid_argument, "unknown status " + s);
          p.statuses.push_back(*st);
        }
        p.work_type = q.work_type;
        p.after = q.after;
        p.limit = q.limit;
        return forward_job<work_page_msg, persistence::work_page>(
            self, pool, make_job<persistence::work_page>("list", [p](repositories& r) { return r.work.list(p); }),
            [](persistence::work_page page) { return work_page_msg{std::move(page.items), std::move(page.next)}; });
      },
      [=](events_atom, std::string& id, int64_t after) -> caf::result<std::vector<work_event>> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<std::vector<work_event>>(
            self, pool,
            make_job<std::vector<work_event>>("events", [id, after](repositories& r) { return r.work.events(id, after, 1000); }));
      },
      [=](cancel_atom, std::string& id) -> caf::result<work_item> {
        if (!from_peer(self)) return wrong_node();
        return forward_job<work_item, persistence::cancel_result>(
            self, pool, make_job<persistence::cancel_result>("cancel", [id](repositories& r) { return r.work.cancel(id); }),
            [](persistence::cancel_result c) { return std::move(c.item); });
      },
      [=](caf::subscribe_atom, std::string& id, int64_t after, work_subscriber_actor& subscriber) -> caf::result<bool> {
        if (!from_peer(self)) return wrong_node();
        subscribe(self, id, after, std::move(subscriber));
        return true;
      },
  };
}

}  // namespace

integration_session_actor spawn_integration_session(caf::actor_system& sys, caf::node_id peer,
                                                    persistence::persistence_actor db,
                                                    claim_supervisor_actor supervisor) {
  return sys.spawn(session, std::move(peer), std::move(db), std::move(supervisor));
}

}  // namespace brokkr::broker
