#include "broker_node/logs/log_reader.hpp"

#include <caf/all.hpp>

namespace brokkr::broker {
namespace {

using paced_atom = caf::atom_constant<caf::atom("paced")>;

struct reader_state {
  static inline const char* name = "log_reader";
  log_sink sink;
  log_subscriber_actor subscriber;
  log_hub_actor hub;
  int64_t window = 0;
  int64_t credit = 0;  // granted to the hub, not yet used
  int64_t sent = 0, acked = 0;  // to a subscriber actor
  bool waiting = false;
};

size_t backlog(const reader_state& st) {
  return st.subscriber ? static_cast<size_t>(st.sent - st.acked) : st.sink.queued();
}

// Keeps (credit at the hub) + (delivered, not yet consumed) within one window: grants the free
// part once it is at least half a window (or everything was consumed); otherwise looks again
// shortly (a timer message: the HTTP connection has no callback for "drained") or, for a
// subscriber actor, when it acknowledges.
void pace(caf::stateful_actor<reader_state>* self) {
  auto& st = self->state;
  if (st.waiting) return;
  const auto pending = static_cast<int64_t>(backlog(st));
  const auto free = st.window - st.credit - pending;
  if (free > 0 && (free >= st.window / 2 || pending == 0)) {
    self->send(st.hub, logmore_atom::value, free);
    st.credit += free;
    return;
  }
  if (st.subscriber || pending == 0) return;
  st.waiting = true;
  self->delayed_send(self, std::chrono::milliseconds(50), paced_atom::value);
}

void finish(caf::stateful_actor<reader_state>* self, const std::string& note) {
  auto& st = self->state;
  if (st.subscriber) self->send(st.subscriber, logend_atom::value, note);
  else if (auto done = std::move(st.sink.finished)) done(note);
  self->quit();
}

bool deliver(caf::stateful_actor<reader_state>* self, std::string text) {
  auto& st = self->state;
  if (!st.subscriber) return st.sink.write(std::move(text));
  st.sent += static_cast<int64_t>(text.size());
  self->send(st.subscriber, logdata_atom::value, std::move(text));
  return true;
}

caf::behavior reader(caf::stateful_actor<reader_state>* self, log_hub_actor hub, log_reader_config cfg, log_sink sink) {
  auto& st = self->state;
  st.sink = std::move(sink);
  st.subscriber = cfg.subscriber;
  st.hub = hub;
  st.window = static_cast<int64_t>(cfg.window);
  self->send(hub, caf::subscribe_atom::value, cfg.work_id, cfg.agent_id, cfg.step,
             caf::actor_cast<log_subscriber_actor>(self));
  pace(self);  // the first grant: a whole window
  self->delayed_send(self, cfg.max_duration, caf::timeout_atom::value);
  // The hub gone (broker shutting down) ends the stream too; a subscriber gone ends the reader.
  self->monitor(hub);
  if (st.subscriber) self->monitor(st.subscriber);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.subscriber && dm.source == self->state.subscriber.address()) {
      self->state.subscriber = nullptr;
      return self->quit();
    }
    finish(self, "the broker is shutting down");
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    self->state.sink.finished = nullptr;  // stopped from outside: the consumer is gone already
    self->quit(em.reason);
  });
  return {
      [self](logdata_atom, std::string& text) {
        auto& st = self->state;
        st.credit = std::max<int64_t>(0, st.credit - static_cast<int64_t>(text.size()));
        if (!deliver(self, std::move(text))) return finish(self, {});
        pace(self);
      },
      // A subscriber actor took this many bytes.
      [self](logmore_atom, int64_t bytes) {
        auto& st = self->state;
        st.acked = std::min(st.sent, st.acked + std::max<int64_t>(bytes, 0));
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
