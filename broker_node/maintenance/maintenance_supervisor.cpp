#include "broker_node/maintenance/maintenance_supervisor.hpp"

#include <caf/all.hpp>

#include <map>

#include "common/log.hpp"

namespace brokkr::broker {
namespace {

// The rehydrator is a duty without a query: it asks the claim supervisor to compare its actors
// with the live items in PostgreSQL.
caf::behavior rehydrator(caf::event_based_actor* self, std::chrono::milliseconds interval,
                         claim_supervisor_actor supervisor) {
  self->delayed_send(self, interval, caf::tick_atom::value);
  return {
      [=](caf::tick_atom) {
        self->send(supervisor, resync_atom::value);
        self->delayed_send(self, interval, caf::tick_atom::value);
      },
  };
}

// A duty that also reports each run to observe_runs, after its own observer.
duty observed(duty d, const std::function<void(const std::string&, const duty_result&)>& all) {
  if (!all) return d;
  d.observe = [own = std::move(d.observe), all, name = d.name](const duty_result& r) {
    if (own) own(r);
    all(name, r);
  };
  return d;
}

struct maintenance_state {
  static inline const char* name = "maintenance_supervisor";
  std::map<caf::actor_addr, std::function<caf::actor()>> children;
};

caf::behavior maintenance(caf::stateful_actor<maintenance_state>* self, maintenance_config cfg,
                          persistence::persistence_actor db, claim_supervisor_actor supervisor) {
  auto start = [self](std::function<caf::actor()> factory) {
    auto child = factory();
    self->monitor(child);
    self->state.children.emplace(child.address(), std::move(factory));
  };
  auto& sys = self->system();
  start([&sys, cfg, db] {
    return spawn_duty(sys, observed(make_claim_expirer(cfg.claims, cfg.observe_claims), cfg.observe_runs), db);
  });
  start([&sys, cfg, db] { return spawn_duty(sys, observed(make_ttl_soft_deleter(cfg.ttl), cfg.observe_runs), db); });
  start([&sys, cfg, db] { return spawn_duty(sys, observed(make_soft_delete_purger(cfg.purge), cfg.observe_runs), db); });
  start([&sys, cfg, supervisor] { return sys.spawn(rehydrator, cfg.rehydrate_interval, supervisor); });
  if (cfg.presence)
    start([&sys, cfg, db] { return spawn_duty(sys, make_presence_writer(cfg.presence, cfg.presence_interval), db); });

  self->set_down_handler([self, start](caf::down_msg& dm) {
    auto it = self->state.children.find(dm.source);
    if (it == self->state.children.end()) return;
    auto factory = std::move(it->second);
    self->state.children.erase(it);
    log::warn("maintenance", "a duty stopped (", self->system().render(dm.reason), "); restarting it");
    start(std::move(factory));
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& [addr, factory] : self->state.children)
      if (auto child = caf::actor_cast<caf::actor>(addr)) self->send_exit(child, em.reason);
    self->state.children.clear();
    self->quit(em.reason);
  });
  return {[](caf::ok_atom) {}};
}

}  // namespace

caf::actor spawn_maintenance(caf::actor_system& sys, maintenance_config cfg, persistence::persistence_actor db,
                             claim_supervisor_actor supervisor) {
  return sys.spawn(maintenance, std::move(cfg), std::move(db), std::move(supervisor));
}

}  // namespace brokkr::broker
