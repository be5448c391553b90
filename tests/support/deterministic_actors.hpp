#pragma once
// Actors under CAF's deterministic scheduler (caf::scheduler::test_coordinator): nothing runs until
// the test says so, and time moves only when the test moves it. For state-machine tests of our
// actors with fake collaborators: no threads, no sleeps, no processes. Actors spawned here must be
// event-based (a detached or blocking actor would need a real thread).
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/detail/test_actor_clock.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <chrono>

#include "actors/type_ids.hpp"

namespace brokkr::test {

class deterministic_system {
 public:
  deterministic_system() : sys_(configure(cfg_)), sched_(dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler())) {
    // A clock at zero would make every deadline look like "the epoch".
    sched_.clock().current_time += std::chrono::hours(1);
  }
  ~deterministic_system() { sched_.run(); }
  deterministic_system(const deterministic_system&) = delete;
  deterministic_system& operator=(const deterministic_system&) = delete;

  caf::actor_system& sys() { return sys_; }
  // Runs every actor until no mailbox holds a message; returns how many messages were handled.
  size_t run() { return sched_.run(); }
  // Moves the clock by `d`, fires the timers (delayed sends, request timeouts) that fall due, and
  // runs what they started.
  void advance(std::chrono::milliseconds d) {
    sched_.advance_time(d);
    sched_.run();
  }
  caf::scheduler::test_coordinator& sched() { return sched_; }

 private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    register_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  caf::scheduler::test_coordinator& sched_;
};

}  // namespace brokkr::test
