#include "broker_node/event_relay.hpp"

#include <caf/all.hpp>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

struct relay_state {
  static inline const char* name = "event_relay";
  event_relay_config cfg;
  event_sink sink;
  persistence::persistence_actor db;
  int64_t last = 0;
  bool loading = false;
  bool again = false;
  bool done = false;
};

using self_ptr = caf::stateful_actor<relay_state>*;

void finish(self_ptr self, bool gone) {
  auto& st = self->state;
  if (st.done) return;
  st.done = true;
  if (st.sink.finished) st.sink.finished(gone);
  self->quit();
}

void load(self_ptr self) {
  auto& st = self->state;
  if (st.done) return;
  if (st.loading) {
    st.again = true;
    return;
  }
  st.loading = true;
  const bool every_item = st.cfg.work_id.empty();
  if (every_item && st.last < 0) {
    // "From now on": the newest id first, so nothing between two polls is skipped.
    request_job(
        self, st.db, st.cfg.db_timeout,
        persistence::make_job<int64_t>("latest_event_id", [](persistence::repositories& r) { return r.work.latest_event_id(); }),
        [self](int64_t latest) {
          self->state.loading = false;
          self->state.last = latest;
          load(self);
        },
        [self](const persistence::db_error&) { self->state.loading = false; });
    return;
  }
  request_job(
      self, st.db, st.cfg.db_timeout,
      persistence::make_job<std::vector<work_event>>(
          "events", [id = st.cfg.work_id, after = st.last](persistence::repositories& r) {
            return id.empty() ? r.work.events_since(after, 1000) : r.work.events(id, after, 1000);
          }),
      [self](std::vector<work_event> events) {
        auto& st = self->state;
        st.loading = false;
        for (const auto& e : events) {
          if (!st.sink.deliver(e)) return finish(self, false);
          st.last = e.id;
          const auto to = parse_work_status(e.to_status);
          if (!st.cfg.work_id.empty() && to && is_terminal(*to)) return finish(self, false);
        }
        if (events.size() == 1000 || st.again) {
          st.again = false;
          load(self);
        }
      },
      [self](const persistence::db_error&) { self->state.loading = false; });  // the poll tries again
}

caf::behavior relay(self_ptr self, event_relay_config cfg, event_sink sink, persistence::persistence_actor db,
                    claim_supervisor_actor supervisor) {
  self->state.last = cfg.after;
  self->state.cfg = cfg;
  self->state.sink = std::move(sink);
  self->state.db = std::move(db);
  if (!cfg.work_id.empty())
    self->send(supervisor, caf::subscribe_atom::value, cfg.work_id, caf::actor_cast<caf::actor>(self));
  self->delayed_send(self, cfg.poll, caf::tick_atom::value);
  self->delayed_send(self, cfg.max_duration, caf::close_atom::value);
  self->set_exit_handler([self](caf::exit_msg& em) {
    finish(self, false);
    self->quit(em.reason);
  });
  load(self);
  return {
      [self](work_notice& n) {
        log::debug("event_relay", "notice for ", n.id, " event ", n.event_id);
        load(self);
      },
      [self](gone_atom, std::string&) { finish(self, true); },
      [self](caf::tick_atom) {
        load(self);
        self->delayed_send(self, self->state.cfg.poll, caf::tick_atom::value);
      },
      [self](caf::close_atom) { finish(self, false); },
  };
}

}  // namespace

caf::actor spawn_event_relay(caf::actor_system& sys, event_relay_config cfg, event_sink sink,
                             persistence::persistence_actor db, claim_supervisor_actor supervisor) {
  return sys.spawn(relay, std::move(cfg), std::move(sink), std::move(db), std::move(supervisor));
}

}  // namespace brokkr::broker
