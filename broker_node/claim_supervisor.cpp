// The claim supervisor: one work-item actor per live item, created on the first notice about the
// item, on a subscription, or by rehydration (start-up, LISTEN reconnect, periodic resync).
// It monitors them and respawns one that died abnormally; each respawned actor re-reads its row,
// so supervision never loses a timer. An actor with nothing to time and no subscriber (a claimable
// item, already offered) is retired and its item kept as its last event id, about a tenth of an
// actor's memory; its next notice, subscription or news in a resync pass starts it again (ADR 0066).
// A new item that needs no staged offer is pushed here and held retired from the start.
#include "broker_node/claim_supervisor.hpp"

#include <caf/all.hpp>

#include <unordered_map>
#include <unordered_set>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

using persistence::make_job;

struct item_entry {
  work_item_actor actor;
  uint64_t sent = 0;  // messages sent to it, matched against what it has heard when it is idle
};

struct supervisor_state {
  static inline const char* name = "claim_supervisor";
  work_item_deps deps;
  claim_supervisor_config cfg;
  std::unordered_map<std::string, item_entry> items;
  std::unordered_map<caf::actor_addr, std::string> ids;
  std::unordered_map<std::string, int64_t> idle;  // live items without an actor -> last event announced
  std::unordered_map<std::string, int> restarts;
  bool rehydrating = false;
  bool pass_again = false;                   // a resync asked for while a pass ran
  std::unordered_set<std::string> seen;      // items the running pass has read
};

using self_ptr = claim_supervisor_actor::stateful_pointer<supervisor_state>;

item_entry& ensure(self_ptr self, const std::string& id, std::optional<persistence::work_timing> initial = std::nullopt) {
  auto& st = self->state;
  if (auto it = st.items.find(id); it != st.items.end()) return it->second;
  int64_t announced = -1;
  if (auto it = st.idle.find(id); it != st.idle.end()) {
    announced = it->second;
    st.idle.erase(it);
  }
  auto a = spawn_work_item(self->system(), id, st.deps, std::move(initial), announced);
  self->monitor(a);
  st.ids.emplace(a->address(), id);
  return st.items.emplace(id, item_entry{a, 0}).first->second;
}

// Every message to a work-item actor goes through here: the count is the idle handshake's.
template <class... Ts>
void tell(self_ptr self, item_entry& e, Ts&&... xs) {
  ++e.sent;
  self->send(e.actor, std::forward<Ts>(xs)...);
}

std::chrono::milliseconds::rep ms_of(const std::optional<timestamp>& t) {
  return t ? std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count() : 0;
}

// A row read by a resync pass, as a notice complete enough to apply without another read.
work_notice notice_of(persistence::work_timing t) {
  work_notice n{t.id, t.status, t.attempt, t.last_event_id, t.cancel_requested, t.claimed_by,
                ms_of(t.lease_expires_at), ms_of(t.claim_deadline), ms_of(t.next_retry_after), ms_of(t.db_now)};
  n.targets = std::move(t.target_agents);
  n.complete = true;
  return n;
}

void resync(self_ptr self);

// An item held without an actor. One retired while a resync pass runs counts as read by it: the
// pass may have read its page before the item existed, and must not take it for one that ended
// unheard, forget it, and have it started (and pushed) again as news later.
void hold_retired(self_ptr self, const std::string& id, int64_t announced) {
  auto& st = self->state;
  st.idle[id] = announced;
  if (st.rehydrating) st.seen.insert(id);
}

// One resync pass pages through every live item's timing row: an item without an actor gets one
// started from its row, an actor gets its row as a complete notice (applied only if it is news).
// 100,000 live items cost 100 reads, not one per actor (which overflowed the pool's queue every
// minute at that size and made the broker crawl: docs/benchmarks.md). Actors the pass did not
// read (their item ended or went away unheard) re-read their own row at its end.
void rehydrate_from(self_ptr self, std::string after) {
  const int page = self->state.cfg.rehydrate_page;
  request_job(
      self, self->state.deps.db, std::chrono::seconds(30),
      make_job<std::vector<persistence::work_timing>>("live_timings", [after, page](persistence::repositories& r) {
        return r.work.live_timings(after, page);
      }),
      [self, page](std::vector<persistence::work_timing> rows) {
        auto& st = self->state;
        size_t created = 0;
        const auto last = rows.empty() ? std::string() : rows.back().id;
        for (auto& t : rows) {
          st.seen.insert(t.id);
          if (auto it = st.items.find(t.id); it != st.items.end()) {
            tell(self, it->second, notice_of(std::move(t)));
            continue;
          }
          // A retired item whose row has not changed stays retired.
          if (auto it = st.idle.find(t.id); it != st.idle.end() && t.last_event_id <= it->second) continue;
          ++created;
          const auto id = t.id;
          ensure(self, id, std::move(t));
        }
        if (created) log::debug("supervisor", "rehydrated ", created, " work-item actors");
        if (static_cast<int>(rows.size()) == page) return rehydrate_from(self, last);
        for (auto& [id, e] : st.items)
          if (!st.seen.count(id)) tell(self, e, resync_atom::value);
        // A retired item the pass did not read is no longer live (it ended unheard).
        for (auto it = st.idle.begin(); it != st.idle.end();)
          it = st.seen.count(it->first) ? std::next(it) : st.idle.erase(it);
        st.seen.clear();
        st.rehydrating = false;
        if (st.pass_again) resync(self);
      },
      [self](const persistence::db_error& e) {
        log::warn("supervisor", "rehydration paused: ", e.message);
        self->state.seen.clear();
        self->state.rehydrating = false;
      });
}

void resync(self_ptr self) {
  auto& st = self->state;
  if (st.rehydrating) {
    st.pass_again = true;
    return;
  }
  st.pass_again = false;
  st.rehydrating = true;
  rehydrate_from(self, "");
}

claim_supervisor_actor::behavior_type supervisor(self_ptr self, work_item_deps deps, claim_supervisor_config cfg) {
  self->state.deps = std::move(deps);
  self->state.cfg = cfg;
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.ids.find(dm.source);
    if (it == st.ids.end()) return;
    const auto id = it->second;
    st.ids.erase(it);
    st.items.erase(id);
    if (dm.reason == caf::exit_reason::normal || dm.reason == caf::exit_reason::user_shutdown) {
      st.restarts.erase(id);
      return;
    }
    if (++st.restarts[id] > st.cfg.max_restarts_per_item) {
      log::error("supervisor", "work-item actor ", id, " keeps failing (", self->system().render(dm.reason),
                 "); leaving the item to the maintenance sweep");
      return;
    }
    log::warn("supervisor", "work-item actor ", id, " died (", self->system().render(dm.reason), "); respawning");
    ensure(self, id);
  });
  // Work-item actors are monitored, not linked (one crashing must not take the others down), so
  // shutdown stops them explicitly.
  self->state.deps.supervisor = caf::actor_cast<claim_supervisor_actor>(self);
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [id, e] : self->state.items) self->send_exit(e.actor, em.reason);
    self->state.items.clear();
    self->state.ids.clear();
    self->state.idle.clear();
    self->quit(em.reason);
  });
  return {
      [=](work_notice& n) {
        auto& st = self->state;
        if (auto it = st.items.find(n.id); it != st.items.end()) return tell(self, it->second, std::move(n));
        if (auto it = st.idle.find(n.id); it != st.idle.end()) {
          if (n.event_id <= it->second) return;  // already announced before it was retired
          if (is_terminal(n.status)) {
            st.idle.erase(it);
            return;
          }
        }
        // A new item that names its targets and needs no staged offer has nothing to time: an actor
        // would push it, say it is idle and be retired (four messages and a spawn per item, on
        // the two cores the broker shares with its database). Pushing it here ends the same way.
        if (n.complete && n.status == work_status::pending && !n.cancel_requested &&
            !offer_is_staged(st.deps.cfg, n.targets.size())) {
          if (st.deps.pushes && !n.targets.empty())
            self->send(st.deps.pushes, available_atom::value, n.id, std::move(n.targets), int32_t{0});
          hold_retired(self, n.id, n.event_id);
          return;
        }
        // A claim's notice describes the item whole (its actor needs no targets until it is
        // claimable again), so a retired item is started again without a read when it is claimed.
        const bool whole = n.complete || n.status == work_status::claimed;
        if (!is_terminal(n.status)) ensure(self, n.id, whole ? std::optional(timing_of(n)) : std::nullopt);
      },
      [=](agent_notice& n) {
        if (self->state.deps.pushes) self->send(self->state.deps.pushes, std::move(n));
      },
      [=](resync_atom) { resync(self); },
      [=](caf::subscribe_atom, std::string& id, caf::actor& subscriber) {
        tell(self, ensure(self, id), caf::subscribe_atom::value, std::move(subscriber));
      },
      [=](idle_atom, std::string& id, uint64_t heard, int64_t announced) {
        auto& st = self->state;
        auto it = st.items.find(id);
        const auto& from = self->current_sender();
        // Retired only when it is this very actor and nothing sent to it is still on the way.
        if (it == st.items.end() || !from || it->second.actor.address() != from->address() || it->second.sent != heard)
          return;
        auto a = std::move(it->second.actor);
        st.items.erase(it);
        st.ids.erase(a.address());
        st.restarts.erase(id);
        hold_retired(self, id, announced);
        self->demonitor(a.address());
        self->send(a, idle_atom::value);
      },
      [=](stats_atom) -> caf::result<uint64_t, uint64_t> {
        return {self->state.items.size(), self->state.idle.size()};
      },
  };
}

}  // namespace

claim_supervisor_actor spawn_claim_supervisor(caf::actor_system& sys, work_item_deps deps,
                                              claim_supervisor_config cfg) {
  return sys.spawn(supervisor, std::move(deps), cfg);
}

}  // namespace brokkr::broker
