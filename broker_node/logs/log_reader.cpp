#include "broker_node/logs/log_reader.hpp"

#include <caf/all.hpp>

namespace brokkr::broker {
namespace {

using paced_atom = caf::atom_constant<caf::atom("paced")>;

struct reader_state {
  static inline const char* name = "log_reader";
  log_sink sink;
  log_hub_actor hub;
  int64_t window = 0;
  int64_t owed = 0;  // bytes received and written, not yet granted back to the hub
  bool waiting = false;
};

// Grants back what was written once the consumer has taken most of it; otherwise looks again
// shortly (a timer message: the HTTP connection has no callback for "drained").
void pace(caf::stateful_actor<reader_state>* self) {
  auto& st = self->state;
  if (st.owed == 0 || st.waiting) return;
  if (st.sink.queued() <= static_cast<size_t>(st.window / 2)) {
    self->send(st.hub, logmore_atom::value, st.owed);
    st.owed = 0;
    return;
  }
  st.waiting = true;
  self->delayed_send(self, std::chrono::milliseconds(50), paced_atom::value);
}

void finish(caf::stateful_actor<reader_state>* self, const std::string& note) {
  if (auto done = std::move(self->state.sink.finished)) done(note);
  self->quit();
}

caf::behavior reader(caf::stateful_actor<reader_state>* self, log_hub_actor hub, log_reader_config cfg, log_sink sink) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.hub = hub;
  st.window = static_cast<int64_t>(cfg.window);
  self->send(hub, caf::subscribe_atom::value, cfg.work_id, cfg.agent_id, cfg.step,
             caf::actor_cast<log_subscriber_actor>(self));
  self->send(hub, logmore_atom::value, st.window);
  self->delayed_send(self, cfg.max_duration, caf::timeout_atom::value);
  // The hub gone (broker shutting down) ends the stream too.
  self->monitor(hub);
  self->set_down_handler([self](caf::down_msg&) { finish(self, "the broker is shutting down"); });
  self->set_exit_handler([self](caf::exit_msg& em) {
    self->state.sink.finished = nullptr;  // stopped from outside: the consumer is gone already
    self->quit(em.reason);
  });
  return {
      [self](logdata_atom, std::string& text) {
        auto& st = self->state;
        st.owed += static_cast<int64_t>(text.size());
        if (!st.sink.write(std::move(text))) return finish(self, {});
        pace(self);
      },
      [self](logend_atom, std::string& note) { finish(self, note); },
      [self](paced_atom) {
        self->state.waiting = false;
        pace(self);
      },
      [self](caf::timeout_atom) { finish(self, "the follow limit ended this stream; follow again to go on"); },
  };
}

}  // namespace

caf::actor spawn_log_reader(caf::actor_system& sys, log_hub_actor hub, log_reader_config cfg, log_sink sink) {
  return sys.spawn(reader, std::move(hub), std::move(cfg), std::move(sink));
}

}  // namespace brokkr::broker
