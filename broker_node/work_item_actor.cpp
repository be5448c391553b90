// The work-item actor: a small reconciler for one item.
//
//            ┌────────── reload (notice, resync, timer) ──────────┐
//            ▼                                                    │
//   loading ──▶ claimable ── (claimed) ──▶ claimed ── tick: expire if stale, reload
//      │          ▲  push "available"          │  push "cancel" once requested
//      │          │                            │
//      │      retry_wait ── tick: push "available" ──▶ claimable, or offered_again
//      │
//      │   offered_again ── tick: push "available" to all ──▶ claimable (a retry held for other
//      │       agents, or a new item first pushed to a few of its targets: ADR 0062)
//      ▼
//   terminal / gone: tell subscribers, quit
//
// Every state change comes from the row (re-read, or described whole by a notice); the actor only
// schedules, pushes and notifies. In `claimable` with no subscriber and no read in flight it has
// nothing to do until the row changes, so it tells its supervisor, which retires it (ADR 0066).
#include "broker_node/work_item_actor.hpp"

#include <caf/all.hpp>

#include <set>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {

using persistence::make_job;
using persistence::work_timing;

struct work_item_state {
  static inline const char* name = "work_item";
  std::string id;
  work_item_deps deps;
  std::optional<work_timing> last;  // the row as last read
  uint64_t timer_gen = 0;           // a tick with another generation is stale
  bool loading = false;
  bool dirty = false;               // a change arrived while a read was in flight
  bool finished = false;
  int64_t announced_event = -1;     // last event id subscribers and agents were told about
  std::set<caf::actor> subscribers;
  bool resting = false;             // claimable: no timer of its own
  bool retry_pending = false;       // a read failed and is tried again later
  uint64_t heard = 0;               // messages from the supervisor, for its idle handshake
  uint64_t idle_told = UINT64_MAX;  // `heard` when the supervisor was last told the actor is idle
  // While the actor starts from a rehydrated row, the behavior apply() chooses is kept here: the
  // one the start-up function returns replaces any become() made during it.
  bool starting = false;
  std::optional<work_item_actor::behavior_type> start_behavior;
};

namespace {

using self_ptr = work_item_actor::stateful_pointer<work_item_state>;
using std::chrono::milliseconds;

void reload(self_ptr self);

bool from_supervisor(self_ptr self) {
  const auto& sup = self->state.deps.supervisor;
  return sup && self->current_sender() == caf::actor_cast<caf::strong_actor_ptr>(sup);
}

// Tells the supervisor once per quiet spell; it retires the actor only if nothing it sent is still
// on the way (the count), so no notice is lost to an actor that stopped.
void maybe_idle(self_ptr self) {
  auto& st = self->state;
  if (!st.deps.supervisor || !st.resting || st.loading || st.dirty || st.retry_pending || st.finished ||
      st.starting || !st.last || !st.subscribers.empty() || st.idle_told == st.heard)
    return;
  st.idle_told = st.heard;
  self->send(st.deps.supervisor, idle_atom::value, st.id, st.heard, st.announced_event);
}

// become(), or while starting, the behavior to start with.
void enter(self_ptr self, work_item_actor::behavior_type b) {
  if (self->state.starting) self->state.start_behavior = std::move(b);
  else self->become(std::move(b));
}

std::optional<timestamp> from_ms(int64_t ms) {
  if (ms == 0) return std::nullopt;
  return timestamp(std::chrono::milliseconds(ms));
}

work_timing timing_from(const work_notice& n, const std::optional<work_timing>& previous) {
  work_timing t;
  t.id = n.id;
  t.status = n.status;
  t.attempt = n.attempt;
  t.claimed_by = n.claimed_by;
  t.lease_expires_at = from_ms(n.lease_ms);
  t.claim_deadline = from_ms(n.deadline_ms);
  t.next_retry_after = from_ms(n.retry_ms);
  t.cancel_requested = n.cancel_requested;
  if (n.complete) t.target_agents = n.targets;
  else if (previous) t.target_agents = previous->target_agents;
  t.last_event_id = n.event_id;
  t.db_now = n.now_ms ? timestamp(std::chrono::milliseconds(n.now_ms)) : std::chrono::system_clock::now();
  return t;
}

void apply(self_ptr self, work_timing t);

milliseconds until(const timestamp& deadline, const timestamp& db_now) {
  return std::chrono::duration_cast<milliseconds>(deadline - db_now);
}

void arm_timer(self_ptr self, milliseconds delay) {
  auto& st = self->state;
  const auto gen = ++st.timer_gen;
  self->delayed_send(self, std::max(delay, milliseconds{0}) + st.deps.cfg.timer_slack, caf::tick_atom::value, gen);
}

void notify_subscribers(self_ptr self, const work_timing& t) {
  work_notice n{t.id, t.status, t.attempt, t.last_event_id, t.cancel_requested};
  log::debug("work_item", t.id, " changed to ", to_string(t.status), "; telling ", self->state.subscribers.size(), " subscribers");
  for (const auto& s : self->state.subscribers) caf::anon_send(s, n);
}

void push_available(self_ptr self, const work_timing& t, int32_t limit = 0) {
  if (self->state.deps.pushes && !t.target_agents.empty())
    self->send(self->state.deps.pushes, available_atom::value, t.id, t.target_agents, limit);
}

void finish(self_ptr self, bool gone) {
  auto& st = self->state;
  if (gone)
    for (const auto& s : st.subscribers) caf::anon_send(s, gone_atom::value, st.id);
  st.finished = true;
  self->quit();
}

// The behaviour shared by every state; `on_tick` is what the state's own timer does.
template <class OnTick>
work_item_actor::behavior_type state_behavior(self_ptr self, OnTick on_tick) {
  return {
      [=](work_notice& n) {
        if (from_supervisor(self)) ++self->state.heard;
        if (self->state.last && n.event_id <= self->state.last->last_event_id) return maybe_idle(self);
        // Claimed and finished items are fully described by their notice; claimable ones need
        // their targets, which only a read (or a resync pass's complete notice) gives.
        if (!self->state.loading && (n.complete || n.status == work_status::claimed || is_terminal(n.status)))
          apply(self, timing_from(n, self->state.last));
        else
          reload(self);
        maybe_idle(self);
      },
      [=](resync_atom) {
        if (from_supervisor(self)) ++self->state.heard;
        else self->state.retry_pending = false;
        reload(self);
      },
      [=](caf::subscribe_atom, caf::actor& subscriber) {
        if (from_supervisor(self)) ++self->state.heard;
        self->monitor(subscriber);
        self->state.subscribers.insert(subscriber);
        // Before the first read, the first apply() tells it.
        if (self->state.last) {
          const auto& t = *self->state.last;
          caf::anon_send(subscriber, work_notice{t.id, t.status, t.attempt, t.last_event_id, t.cancel_requested});
        }
      },
      [=](caf::tick_atom, uint64_t gen) {
        if (gen == self->state.timer_gen) on_tick();
        maybe_idle(self);
      },
      // Sent only once the supervisor has stopped routing to this actor and nothing it sent is on
      // the way: the actor is still as idle as when it said so. From anyone else it means nothing.
      [=](idle_atom) {
        if (from_supervisor(self)) self->quit();
      },
  };
}

work_item_actor::behavior_type claimable(self_ptr self) {
  self->state.resting = true;
  return state_behavior(self, [] {});
}

// Claimable, but not every target has been told: a retry held back from the agent whose attempt
// failed, or a new item pushed to a few of its targets first (ADR 0062). When the timer fires, all
// of them hear of it.
work_item_actor::behavior_type offered_again(self_ptr self) {
  self->state.resting = false;
  return state_behavior(self, [self] {
    push_available(self, *self->state.last);
    enter(self, claimable(self));
  });
}

// Enters claimable after a failure, holding the retry for other agents when configured.
void offer_retry(self_ptr self, const work_timing& t, milliseconds since_due, bool push) {
  if (push) push_available(self, t);
  const auto hold = self->state.deps.cfg.retry_elsewhere - since_due;
  if (!t.claimed_by.empty() && hold > milliseconds{0}) {
    arm_timer(self, hold);
    enter(self, offered_again(self));
  } else {
    enter(self, claimable(self));
  }
}

work_item_actor::behavior_type retry_wait(self_ptr self) {
  self->state.resting = false;
  return state_behavior(self, [self] { offer_retry(self, *self->state.last, milliseconds{0}, true); });
}

work_item_actor::behavior_type claimed(self_ptr self) {
  self->state.resting = false;
  return state_behavior(self, [self] {
    // The deadline passed by our clock of PostgreSQL's; the guarded statement decides.
    const auto id = self->state.id;
    request_job(
        self, self->state.deps.db, self->state.deps.cfg.db_timeout,
        make_job<persistence::expire_result>("expire_one", [id](persistence::repositories& r) {
          return r.work.expire_stale_claims(1, {id});
        }),
        [self](persistence::expire_result) { reload(self); },
        [self](const persistence::db_error&) {
          self->state.retry_pending = true;
          self->delayed_send(self, self->state.deps.cfg.retry_read, resync_atom::value);
        });
  });
}

void apply(self_ptr self, work_timing t) {
  auto& st = self->state;
  const bool news = t.last_event_id > st.announced_event;
  const bool cancel_news = t.cancel_requested && (!st.last || !st.last->cancel_requested || st.last->attempt != t.attempt);
  // A restarted actor's first row is no news (ADR 0066), yet whoever subscribed before it came
  // has not heard the state.
  const bool first = !st.last;
  st.last = t;
  if (news || first) notify_subscribers(self, t);
  st.announced_event = t.last_event_id;
  if (is_terminal(t.status)) return finish(self, false);
  ++st.timer_gen;  // whatever was armed belongs to the previous state
  switch (t.status) {
    case work_status::pending: {
      if (news && offer_is_staged(st.deps.cfg, t.target_agents.size())) {
        push_available(self, t, st.deps.cfg.push_fanout);
        arm_timer(self, st.deps.cfg.reoffer_after);
        enter(self, offered_again(self));
        return;
      }
      if (news) push_available(self, t);
      enter(self, claimable(self));
      return;
    }
    case work_status::failed_retryable: {
      const auto delay = t.next_retry_after ? until(*t.next_retry_after, t.db_now) : milliseconds{0};
      if (delay <= milliseconds{0}) {
        offer_retry(self, t, -delay, news);
      } else {
        arm_timer(self, delay);
        enter(self, retry_wait(self));
      }
      return;
    }
    case work_status::claimed: {
      if (cancel_news && st.deps.pushes) self->send(st.deps.pushes, cancel_atom::value, t.id, t.claimed_by);
      std::optional<timestamp> deadline = t.lease_expires_at;
      if (t.claim_deadline && (!deadline || *t.claim_deadline < *deadline)) deadline = t.claim_deadline;
      // A re-read right after an expiry that changed nothing waits at least a little.
      arm_timer(self, deadline ? std::max(until(*deadline, t.db_now), milliseconds{0}) : milliseconds{1000});
      enter(self, claimed(self));
      return;
    }
    default:
      return;
  }
}

void reload(self_ptr self) {
  auto& st = self->state;
  if (st.loading) {
    st.dirty = true;
    return;
  }
  st.loading = true;
  const auto id = st.id;
  request_job(
      self, st.deps.db, st.deps.cfg.db_timeout,
      make_job<work_timing>("timing", [id](persistence::repositories& r) { return r.work.timing(id); }),
      [self](work_timing t) {
        auto& st = self->state;
        st.loading = false;
        apply(self, std::move(t));
        if (st.dirty && !st.finished) {
          st.dirty = false;
          reload(self);
        }
        maybe_idle(self);
      },
      [self](const persistence::db_error& e) {
        auto& st = self->state;
        st.loading = false;
        if (e.code == errc::not_found) return finish(self, true);
        st.retry_pending = true;
        self->delayed_send(self, st.deps.cfg.retry_read, resync_atom::value);
      });
}

work_item_actor::behavior_type work_item_fn(work_item_actor::stateful_pointer<work_item_state> self, std::string id,
                                            work_item_deps deps, std::optional<work_timing> initial, int64_t announced) {
  self->state.id = std::move(id);
  self->state.deps = std::move(deps);
  self->state.announced_event = announced;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& subs = self->state.subscribers;
    for (auto it = subs.begin(); it != subs.end();)
      it = (it->address() == dm.source) ? subs.erase(it) : std::next(it);
    maybe_idle(self);
  });
  if (!initial) {
    reload(self);
    return claimable(self);
  }
  self->state.starting = true;
  apply(self, std::move(*initial));
  self->state.starting = false;
  auto start = std::exchange(self->state.start_behavior, std::nullopt);
  if (!start) return claimable(self);  // finished at once: it has quit
  maybe_idle(self);
  return std::move(*start);
}

}  // namespace

work_timing timing_of(const work_notice& n) { return timing_from(n, std::nullopt); }

bool offer_is_staged(const work_item_config& cfg, size_t targets) {
  return cfg.push_fanout > 0 && targets > static_cast<size_t>(cfg.push_fanout);
}

work_item_actor spawn_work_item(caf::actor_system& sys, std::string id, work_item_deps deps,
                                std::optional<work_timing> initial, int64_t announced) {
  return sys.spawn(work_item_fn, std::move(id), std::move(deps), std::move(initial), announced);
}

}  // namespace brokkr::broker
