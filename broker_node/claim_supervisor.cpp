// The claim supervisor: one work-item actor per live item, created on the first notice about the
// item, on a subscription, or by rehydration (start-up, LISTEN reconnect, periodic resync).
// It monitors them and respawns one that died abnormally; each respawned actor re-reads its row,
// so supervision never loses a timer.
#include "broker_node/claim_supervisor.hpp"

#include <caf/all.hpp>

#include <unordered_map>

#include "actors/job_request.hpp"
#include "common/log.hpp"

namespace brokkr::broker {
namespace {

using persistence::make_job;

struct supervisor_state {
  static inline const char* name = "claim_supervisor";
  work_item_deps deps;
  claim_supervisor_config cfg;
  std::unordered_map<std::string, work_item_actor> items;
  std::unordered_map<caf::actor_addr, std::string> ids;
  std::unordered_map<std::string, int> restarts;
  bool rehydrating = false;
};

using self_ptr = claim_supervisor_actor::stateful_pointer<supervisor_state>;

work_item_actor ensure(self_ptr self, const std::string& id) {
  auto& st = self->state;
  if (auto it = st.items.find(id); it != st.items.end()) return it->second;
  auto a = spawn_work_item(self->system(), id, st.deps);
  self->monitor(a);
  st.items.emplace(id, a);
  st.ids.emplace(a->address(), id);
  return a;
}

// Pages through every live item id, creating actors for those without one.
void rehydrate_from(self_ptr self, std::string after) {
  const int page = self->state.cfg.rehydrate_page;
  request_job(
      self, self->state.deps.db, std::chrono::seconds(30),
      make_job<std::vector<std::string>>("live_ids", [after, page](persistence::repositories& r) {
        return r.work.live_ids(after, page);
      }),
      [self, page](std::vector<std::string> ids) {
        size_t created = 0;
        for (const auto& id : ids) {
          if (!self->state.items.count(id)) ++created;
          ensure(self, id);
        }
        if (created) log::debug("supervisor", "rehydrated ", created, " work-item actors");
        if (static_cast<int>(ids.size()) == page) rehydrate_from(self, ids.back());
        else self->state.rehydrating = false;
      },
      [self](const persistence::db_error& e) {
        log::warn("supervisor", "rehydration paused: ", e.message);
        self->state.rehydrating = false;
      });
}

void resync(self_ptr self) {
  for (auto& [id, a] : self->state.items) self->send(a, resync_atom::value);
  if (self->state.rehydrating) return;
  self->state.rehydrating = true;
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
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [id, a] : self->state.items) self->send_exit(a, em.reason);
    self->state.items.clear();
    self->state.ids.clear();
    self->quit(em.reason);
  });
  return {
      [=](work_notice& n) {
        auto it = self->state.items.find(n.id);
        if (it != self->state.items.end()) self->send(it->second, std::move(n));
        else if (!is_terminal(n.status)) ensure(self, n.id);
      },
      [=](agent_notice& n) {
        if (self->state.deps.pushes) self->send(self->state.deps.pushes, std::move(n));
      },
      [=](resync_atom) { resync(self); },
      [=](caf::subscribe_atom, std::string& id, caf::actor& subscriber) {
        self->send(ensure(self, id), caf::subscribe_atom::value, std::move(subscriber));
      },
      [=](stats_atom) -> uint64_t { return self->state.items.size(); },
  };
}

}  // namespace

claim_supervisor_actor spawn_claim_supervisor(caf::actor_system& sys, work_item_deps deps,
                                              claim_supervisor_config cfg) {
  return sys.spawn(supervisor, std::move(deps), cfg);
}

}  // namespace brokkr::broker
